// Local replies: "/deny" is answered by the plugin with a 403, a header and a body; "/grpc" with
// a gRPC status; anything else passes.
package main

import (
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() {
	proxywasm.SetHttpContext(func(uint32) types.HttpContext { return &httpContext{} })
}

type httpContext struct{ types.DefaultHttpContext }

func (*httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	path, err := proxywasm.GetHttpRequestHeader(":path")
	if err != nil {
		return types.ActionContinue
	}
	switch path {
	case "/deny":
		headers := [][2]string{{"x-reason", "sdk"}}
		if err := proxywasm.SendHttpResponse(403, headers, []byte("denied by the plugin"), -1); err != nil {
			proxywasm.LogErrorf("local reply: %v", err)
			return types.ActionContinue
		}
		return types.ActionPause
	case "/grpc":
		// 7: PERMISSION_DENIED.
		if err := proxywasm.SendHttpResponse(200, nil, nil, 7); err != nil {
			proxywasm.LogErrorf("local reply: %v", err)
			return types.ActionContinue
		}
		return types.ActionPause
	}
	return types.ActionContinue
}

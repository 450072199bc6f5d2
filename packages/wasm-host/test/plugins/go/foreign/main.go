// Foreign functions: calls a name no host registers and "compress" (which Envoy registers), and
// reports the host's answers ("x-foreign-missing", "x-foreign-compress").
package main

import (
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
	"nuncio.test/wasm-host/sdk-plugins/internal/counter"
)

func main() {}

func init() {
	proxywasm.SetHttpContext(func(uint32) types.HttpContext { return &httpContext{} })
}

type httpContext struct{ types.DefaultHttpContext }

func (*httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	_, err := proxywasm.CallForeignFunction("nuncio_no_such_function", []byte("argument"))
	_ = proxywasm.AddHttpRequestHeader("x-foreign-missing", counter.Status(err))
	_, err = proxywasm.CallForeignFunction("compress", []byte("aaaaaaaaaaaaaaaa"))
	_ = proxywasm.AddHttpRequestHeader("x-foreign-compress", counter.Status(err))
	return types.ActionContinue
}

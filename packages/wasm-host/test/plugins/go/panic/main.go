// A Go panic inside a callback: a request with "x-panic: yes" panics, any other request is
// marked "x-ok: yes". The Go runtime prints the panic to stderr and calls WASI proc_exit.
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
	if value, err := proxywasm.GetHttpRequestHeader("x-panic"); err == nil && value == "yes" {
		panic("the test asked this plugin to panic")
	}
	_ = proxywasm.AddHttpRequestHeader("x-ok", "yes")
	return types.ActionContinue
}

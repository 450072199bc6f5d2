// Shared data under contention: every request adds one to the "hits" counter with
// compare-and-swap, retrying on a cas mismatch, and reports the value it wrote ("x-count") and
// how many retries it took ("x-cas-retries").
package main

import (
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
	"nuncio.test/wasm-host/sdk-plugins/internal/counter"
)

func main() {}

func init() {
	proxywasm.SetPluginContext(func(uint32) types.PluginContext { return &pluginContext{} })
}

type pluginContext struct{ types.DefaultPluginContext }

func (*pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	if err := counter.Ensure("hits"); err != nil {
		proxywasm.LogCriticalf("creating the counter: %v", err)
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

func (*pluginContext) NewHttpContext(uint32) types.HttpContext { return &httpContext{} }

type httpContext struct{ types.DefaultHttpContext }

func (*httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	value, retries, err := counter.Increment("hits")
	if err != nil {
		_ = proxywasm.AddHttpRequestHeader("x-count-error", counter.Status(err))
		return types.ActionContinue
	}
	_ = proxywasm.AddHttpRequestHeader("x-count", strconv.Itoa(value))
	_ = proxywasm.AddHttpRequestHeader("x-cas-retries", strconv.Itoa(retries))
	return types.ActionContinue
}

// http_call: each request dispatches a GET of its "x-call-path" header to the cluster named by
// the plugin configuration, pauses, and when the answer comes copies its status, body and header
// count into the request ("x-call-status", "x-call-body", "x-call-headers") and resumes it.
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

type pluginContext struct {
	types.DefaultPluginContext
	cluster string
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil {
		proxywasm.LogCriticalf("reading the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	p.cluster = string(data)
	return types.OnPluginStartStatusOK
}

func (p *pluginContext) NewHttpContext(uint32) types.HttpContext { return &httpContext{plugin: p} }

type httpContext struct {
	types.DefaultHttpContext
	plugin *pluginContext
}

func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	path, err := proxywasm.GetHttpRequestHeader("x-call-path")
	if err != nil {
		path = "/"
	}
	timeout := uint64(5000)
	if value, err := proxywasm.GetHttpRequestHeader("x-call-timeout"); err == nil {
		if parsed, err := strconv.ParseUint(value, 10, 32); err == nil {
			timeout = parsed
		}
	}
	headers := [][2]string{{":method", "GET"}, {":path", path}, {":authority", h.plugin.cluster}}
	_, err = proxywasm.DispatchHttpCall(h.plugin.cluster, headers, nil, nil, uint32(timeout), h.onResponse)
	_ = proxywasm.AddHttpRequestHeader("x-call-result", counter.Status(err))
	if err != nil {
		return types.ActionContinue
	}
	return types.ActionPause
}

func (h *httpContext) onResponse(numHeaders, bodySize, _ int) {
	headers, err := proxywasm.GetHttpCallResponseHeaders()
	if err != nil {
		proxywasm.LogErrorf("reading the call's response headers: %v", err)
	}
	status := ""
	for _, kv := range headers {
		if kv[0] == ":status" {
			status = kv[1]
		}
	}
	body := []byte{}
	if bodySize > 0 {
		if body, err = proxywasm.GetHttpCallResponseBody(0, bodySize); err != nil {
			proxywasm.LogErrorf("reading the call's response body: %v", err)
		}
	}
	_ = proxywasm.AddHttpRequestHeader("x-call-status", status)
	_ = proxywasm.AddHttpRequestHeader("x-call-body", string(body))
	_ = proxywasm.AddHttpRequestHeader("x-call-headers", strconv.Itoa(numHeaders))
	if err := proxywasm.ResumeHttpRequest(); err != nil {
		proxywasm.LogErrorf("resuming the request: %v", err)
	}
}

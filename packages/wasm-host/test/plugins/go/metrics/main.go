// Metrics: a counter of requests, a gauge of streams in flight (up on request headers, down when
// the stream is done) and a histogram of the "x-sample" header's values. Each request reports
// the counter and gauge as the plugin reads them back ("x-counter", "x-gauge").
package main

import (
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() {
	proxywasm.SetPluginContext(func(uint32) types.PluginContext { return &pluginContext{} })
}

type pluginContext struct {
	types.DefaultPluginContext
	requests proxywasm.MetricCounter
	active   proxywasm.MetricGauge
	samples  proxywasm.MetricHistogram
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	p.requests = proxywasm.DefineCounterMetric("sdk_requests")
	p.active = proxywasm.DefineGaugeMetric("sdk_active")
	p.samples = proxywasm.DefineHistogramMetric("sdk_samples")
	return types.OnPluginStartStatusOK
}

func (p *pluginContext) NewHttpContext(uint32) types.HttpContext { return &httpContext{plugin: p} }

type httpContext struct {
	types.DefaultHttpContext
	plugin *pluginContext
}

func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	h.plugin.requests.Increment(1)
	h.plugin.active.Add(1)
	if sample, err := proxywasm.GetHttpRequestHeader("x-sample"); err == nil {
		if value, err := strconv.ParseUint(sample, 10, 64); err == nil {
			h.plugin.samples.Record(value)
		}
	}
	_ = proxywasm.AddHttpRequestHeader("x-counter", strconv.FormatUint(h.plugin.requests.Value(), 10))
	_ = proxywasm.AddHttpRequestHeader("x-gauge", strconv.FormatInt(h.plugin.active.Value(), 10))
	return types.ActionContinue
}

func (h *httpContext) OnHttpStreamDone() {
	h.plugin.active.Add(-1)
}

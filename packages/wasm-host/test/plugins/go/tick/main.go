// Ticks: the plugin configuration is "<period ms> <ticks> [cluster]"; the root context asks for
// ticks at that period, counts them in shared data ("ticks") and stops its timer after the last
// one. With a cluster, every tick also dispatches an http_call from the root context and counts
// the answers ("calls_answered").
package main

import (
	"strconv"
	"strings"

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
	limit   int
	seen    int
	cluster string
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil {
		proxywasm.LogCriticalf("reading the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	fields := strings.Fields(string(data))
	var period, limit int
	if len(fields) >= 2 {
		period, err = strconv.Atoi(fields[0])
		if err == nil {
			limit, err = strconv.Atoi(fields[1])
		}
	}
	if len(fields) < 2 || err != nil {
		proxywasm.LogCriticalf("configuration %q is not \"<period ms> <ticks> [cluster]\"", data)
		return types.OnPluginStartStatusFailed
	}
	p.limit = limit
	if len(fields) > 2 {
		p.cluster = fields[2]
	}
	for _, key := range []string{"ticks", "calls_answered"} {
		if err := counter.Ensure(key); err != nil {
			proxywasm.LogCriticalf("creating %s: %v", key, err)
			return types.OnPluginStartStatusFailed
		}
	}
	if err := proxywasm.SetTickPeriodMilliSeconds(uint32(period)); err != nil {
		proxywasm.LogCriticalf("setting the tick period: %v", err)
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

func (p *pluginContext) OnTick() {
	p.seen++
	if _, _, err := counter.Increment("ticks"); err != nil {
		proxywasm.LogErrorf("counting a tick: %v", err)
	}
	if p.cluster != "" {
		headers := [][2]string{{":method", "GET"}, {":path", "/tick"}, {":authority", p.cluster}}
		if _, err := proxywasm.DispatchHttpCall(p.cluster, headers, nil, nil, 5000, onAnswer); err != nil {
			proxywasm.LogErrorf("dispatching from a tick: %v", err)
		}
	}
	if p.seen >= p.limit {
		// A period of 0 turns the timer off.
		if err := proxywasm.SetTickPeriodMilliSeconds(0); err != nil {
			proxywasm.LogErrorf("stopping the ticks: %v", err)
		}
	}
}

func onAnswer(int, int, int) {
	if _, _, err := counter.Increment("calls_answered"); err != nil {
		proxywasm.LogErrorf("counting an answer: %v", err)
	}
}

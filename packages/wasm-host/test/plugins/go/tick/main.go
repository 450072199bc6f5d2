// Ticks: the plugin configuration is "<period ms> <ticks>"; the root context asks for ticks at
// that period, counts them in shared data ("ticks") and stops its timer after the last one.
package main

import (
	"fmt"

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
	limit int
	seen  int
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil {
		proxywasm.LogCriticalf("reading the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	var period uint32
	if _, err := fmt.Sscanf(string(data), "%d %d", &period, &p.limit); err != nil {
		proxywasm.LogCriticalf("configuration %q is not \"<period ms> <ticks>\"", data)
		return types.OnPluginStartStatusFailed
	}
	if err := counter.Ensure("ticks"); err != nil {
		proxywasm.LogCriticalf("creating the tick counter: %v", err)
		return types.OnPluginStartStatusFailed
	}
	if err := proxywasm.SetTickPeriodMilliSeconds(period); err != nil {
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
	if p.seen >= p.limit {
		// A period of 0 turns the timer off.
		if err := proxywasm.SetTickPeriodMilliSeconds(0); err != nil {
			proxywasm.LogErrorf("stopping the ticks: %v", err)
		}
	}
}

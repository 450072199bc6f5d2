// Root contexts: the VM configuration read once per VM in OnVMStart, the plugin configuration
// read by each plugin (root) context in OnPluginStart, several plugins sharing one VM, and a
// refusal from either step.
package main

import (
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() { proxywasm.SetVMContext(&vmContext{}) }

// VM-wide state: one copy per VM, shared by every plugin context the VM hosts.
var (
	vmConfiguration string
	pluginContexts  int
)

type vmContext struct{ types.DefaultVMContext }

func (*vmContext) OnVMStart(int) types.OnVMStartStatus {
	data, err := proxywasm.GetVMConfiguration()
	if err != nil && err != types.ErrorStatusNotFound {
		proxywasm.LogCriticalf("reading the VM configuration: %v", err)
		return types.OnVMStartStatusFailed
	}
	vmConfiguration = string(data)
	if vmConfiguration == "refuse" {
		proxywasm.LogCritical("the VM configuration says refuse")
		return types.OnVMStartStatusFailed
	}
	return types.OnVMStartStatusOK
}

func (*vmContext) NewPluginContext(contextID uint32) types.PluginContext {
	pluginContexts++
	return &pluginContext{contextID: contextID}
}

type pluginContext struct {
	types.DefaultPluginContext
	contextID     uint32
	configuration string
	streams       int
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil && err != types.ErrorStatusNotFound {
		proxywasm.LogCriticalf("reading the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	p.configuration = string(data)
	if p.configuration == "reject" {
		proxywasm.LogCritical("the plugin configuration says reject")
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

func (p *pluginContext) NewHttpContext(uint32) types.HttpContext {
	p.streams++
	return &httpContext{plugin: p, number: p.streams}
}

type httpContext struct {
	types.DefaultHttpContext
	plugin *pluginContext
	number int
}

func (h *httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	set := [][2]string{
		{"x-vm-config", vmConfiguration},
		{"x-plugin-config", h.plugin.configuration},
		{"x-plugins-in-vm", strconv.Itoa(pluginContexts)},
		{"x-root-context-id", strconv.FormatUint(uint64(h.plugin.contextID), 10)},
		{"x-stream-number", strconv.Itoa(h.number)},
	}
	for _, kv := range set {
		if err := proxywasm.AddHttpRequestHeader(kv[0], kv[1]); err != nil {
			proxywasm.LogErrorf("adding %s: %v", kv[0], err)
		}
	}
	return types.ActionContinue
}

// Properties: Envoy's attributes read through the Go SDK's own typed readers (package
// properties), so the host's encodings are checked against the SDK's decoders, plus a value the
// plugin stores with set_property and reads back, and a missing attribute.
package main

import (
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/properties"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
	"nuncio.test/wasm-host/sdk-plugins/internal/counter"
)

func main() {}

func init() {
	proxywasm.SetHttpContext(func(uint32) types.HttpContext { return &httpContext{} })
}

type httpContext struct{ types.DefaultHttpContext }

func add(name, value string, err error) {
	if err != nil {
		value = counter.Status(err)
	}
	_ = proxywasm.AddHttpRequestHeader(name, value)
}

func (*httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	name, err := properties.GetPluginName()
	add("x-plugin-name", name, err)
	rootID, err := properties.GetPluginRootId()
	add("x-root-id", rootID, err)
	vmID, err := properties.GetPluginVmId()
	add("x-vm-id", vmID, err)
	nodeID, err := properties.GetNodeId()
	add("x-node-id", nodeID, err)
	nodeCluster, err := properties.GetNodeCluster()
	add("x-node-cluster", nodeCluster, err)
	team, err := proxywasm.GetProperty([]string{"node", "metadata", "team"})
	add("x-node-team", string(team), err)
	direction, err := properties.GetListenerDirection()
	add("x-direction", strconv.Itoa(int(direction)), err)

	path, err := properties.GetRequestPath()
	add("x-path", path, err)
	method, err := properties.GetRequestMethod()
	add("x-method", method, err)
	headers, err := properties.GetRequestHeaders()
	add("x-header-prop", headers["x-in"], err)
	requestTime, err := properties.GetRequestTime()
	add("x-request-time-ms", strconv.FormatInt(requestTime.UnixMilli(), 10), err)
	address, err := properties.GetDownstreamRemoteAddress()
	add("x-source-address", address, err)
	port, err := properties.GetDownstreamRemotePort()
	add("x-source-port", strconv.FormatUint(port, 10), err)
	connectionID, err := properties.GetDownstreamConnectionID()
	add("x-connection-id", strconv.FormatUint(connectionID, 10), err)

	err = proxywasm.SetProperty([]string{"nuncio_state"}, []byte("kept"))
	if err == nil {
		var state []byte
		state, err = proxywasm.GetProperty([]string{"nuncio_state"})
		add("x-state", string(state), err)
	} else {
		add("x-state", "", err)
	}
	_, err = proxywasm.GetProperty([]string{"request", "no_such_attribute"})
	add("x-missing", "found", err)
	return types.ActionContinue
}

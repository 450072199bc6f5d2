// The network (L4) callbacks: connections counted in shared data, downstream bytes upper-cased,
// every "E" from upstream turned into "3" (both chunk-independent, so they hold however TCP
// splits the stream), a downstream "close" closing the downstream connection, and the close
// and the end of the stream recorded in shared data ("last_close_peer", "done", "last_bytes",
// "last_source").
package main

import (
	"bytes"
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/properties"
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
	for _, key := range []string{"connections", "done"} {
		if err := counter.Ensure(key); err != nil {
			proxywasm.LogCriticalf("creating %s: %v", key, err)
			return types.OnPluginStartStatusFailed
		}
	}
	return types.OnPluginStartStatusOK
}

func (*pluginContext) NewTcpContext(uint32) types.TcpContext { return &tcpContext{} }

type tcpContext struct {
	types.DefaultTcpContext
	downstreamBytes int
}

func (*tcpContext) OnNewConnection() types.Action {
	if _, _, err := counter.Increment("connections"); err != nil {
		proxywasm.LogErrorf("counting the connection: %v", err)
	}
	if address, err := properties.GetDownstreamRemoteAddress(); err == nil {
		_ = proxywasm.SetSharedData("last_source", []byte(address), 0)
	}
	return types.ActionContinue
}

func (t *tcpContext) OnDownstreamData(dataSize int, _ bool) types.Action {
	if dataSize == 0 {
		return types.ActionContinue
	}
	data, err := proxywasm.GetDownstreamData(0, dataSize)
	if err != nil {
		proxywasm.LogErrorf("reading downstream data: %v", err)
		return types.ActionContinue
	}
	t.downstreamBytes += len(data)
	if string(bytes.TrimSpace(data)) == "close" {
		if err := proxywasm.CloseDownstream(); err != nil {
			proxywasm.LogErrorf("closing downstream: %v", err)
		}
		return types.ActionPause
	}
	if err := proxywasm.ReplaceDownstreamData(bytes.ToUpper(data)); err != nil {
		proxywasm.LogErrorf("replacing downstream data: %v", err)
	}
	return types.ActionContinue
}

func (*tcpContext) OnUpstreamData(dataSize int, _ bool) types.Action {
	if dataSize == 0 {
		return types.ActionContinue
	}
	data, err := proxywasm.GetUpstreamData(0, dataSize)
	if err != nil {
		proxywasm.LogErrorf("reading upstream data: %v", err)
		return types.ActionContinue
	}
	if err := proxywasm.ReplaceUpstreamData(bytes.ReplaceAll(data, []byte("E"), []byte("3"))); err != nil {
		proxywasm.LogErrorf("replacing upstream data: %v", err)
	}
	return types.ActionContinue
}

func (*tcpContext) OnDownstreamClose(peer types.PeerType) {
	_ = proxywasm.SetSharedData("last_close_peer", []byte(strconv.Itoa(int(peer))), 0)
}

func (t *tcpContext) OnStreamDone() {
	_ = proxywasm.SetSharedData("last_bytes", []byte(strconv.Itoa(t.downstreamBytes)), 0)
	if _, _, err := counter.Increment("done"); err != nil {
		proxywasm.LogErrorf("counting the finished stream: %v", err)
	}
}

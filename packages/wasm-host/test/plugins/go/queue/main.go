// Shared queues between two plugins of one vm_id. Plugin configuration "consumer <queue>"
// registers the queue and, on each wake-up, drains it into shared data ("jobs_received",
// "last_job"); "producer <vm_id> <queue>" resolves the queue on every request and enqueues the
// request's "x-job" header, answering "x-resolve" and "x-enqueue".
package main

import (
	"errors"
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
	role      string
	vmID      string
	queueName string
	received  int
}

func (p *pluginContext) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := proxywasm.GetPluginConfiguration()
	if err != nil {
		proxywasm.LogCriticalf("reading the plugin configuration: %v", err)
		return types.OnPluginStartStatusFailed
	}
	fields := strings.Fields(string(data))
	switch {
	case len(fields) == 2 && fields[0] == "consumer":
		p.role, p.queueName = fields[0], fields[1]
		if _, err := proxywasm.RegisterSharedQueue(p.queueName); err != nil {
			proxywasm.LogCriticalf("registering queue %s: %v", p.queueName, err)
			return types.OnPluginStartStatusFailed
		}
	case len(fields) == 3 && fields[0] == "producer":
		p.role, p.vmID, p.queueName = fields[0], fields[1], fields[2]
	default:
		proxywasm.LogCriticalf("configuration %q is neither consumer nor producer", data)
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

func (p *pluginContext) OnQueueReady(queueID uint32) {
	for {
		item, err := proxywasm.DequeueSharedQueue(queueID)
		if errors.Is(err, types.ErrorStatusEmpty) {
			return
		}
		if err != nil {
			proxywasm.LogErrorf("dequeue: %v", err)
			return
		}
		p.received++
		// Only the queue's owner writes these keys, so an unconditional set (cas 0) is safe.
		_ = proxywasm.SetSharedData("last_job", item, 0)
		_ = proxywasm.SetSharedData("jobs_received", []byte(strconv.Itoa(p.received)), 0)
	}
}

func (p *pluginContext) NewHttpContext(uint32) types.HttpContext {
	if p.role != "producer" {
		return nil
	}
	return &producer{plugin: p}
}

type producer struct {
	types.DefaultHttpContext
	plugin *pluginContext
}

func (h *producer) OnHttpRequestHeaders(int, bool) types.Action {
	queueID, err := proxywasm.ResolveSharedQueue(h.plugin.vmID, h.plugin.queueName)
	_ = proxywasm.AddHttpRequestHeader("x-resolve", counter.Status(err))
	if err != nil {
		return types.ActionContinue
	}
	job, err := proxywasm.GetHttpRequestHeader("x-job")
	if err != nil {
		_ = proxywasm.AddHttpRequestHeader("x-enqueue", "no x-job header")
		return types.ActionContinue
	}
	err = proxywasm.EnqueueSharedQueue(queueID, []byte(job))
	_ = proxywasm.AddHttpRequestHeader("x-enqueue", counter.Status(err))
	return types.ActionContinue
}

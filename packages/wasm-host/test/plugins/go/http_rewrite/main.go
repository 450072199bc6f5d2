// Header and body changes in both directions: request headers added, replaced and removed;
// the request body buffered to its end, then replaced (upper case) and appended to; a trailer
// added; response headers changed; the response body wrapped in brackets at its end.
package main

import (
	"bytes"
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

func main() {}

func init() {
	proxywasm.SetHttpContext(func(uint32) types.HttpContext { return &httpContext{} })
}

type httpContext struct {
	types.DefaultHttpContext
	bodyCalls int
}

func (*httpContext) OnHttpRequestHeaders(int, bool) types.Action {
	headers, err := proxywasm.GetHttpRequestHeaders()
	if err != nil {
		proxywasm.LogErrorf("reading request headers: %v", err)
		return types.ActionContinue
	}
	in, err := proxywasm.GetHttpRequestHeader("x-in")
	if err == nil {
		_ = proxywasm.AddHttpRequestHeader("x-out", in+"!")
	}
	_ = proxywasm.ReplaceHttpRequestHeader("x-replace", "replaced")
	_ = proxywasm.RemoveHttpRequestHeader("x-remove")
	_ = proxywasm.AddHttpRequestHeader("x-header-count", strconv.Itoa(len(headers)))
	return types.ActionContinue
}

func (h *httpContext) OnHttpRequestBody(bodySize int, endOfStream bool) types.Action {
	h.bodyCalls++
	if !endOfStream {
		// Keep buffering: the whole body is changed at once.
		return types.ActionPause
	}
	body, err := proxywasm.GetHttpRequestBody(0, bodySize)
	if err != nil {
		proxywasm.LogErrorf("reading the request body: %v", err)
		return types.ActionContinue
	}
	if err := proxywasm.ReplaceHttpRequestBody(bytes.ToUpper(body)); err != nil {
		proxywasm.LogErrorf("replacing the request body: %v", err)
	}
	if err := proxywasm.AppendHttpRequestBody([]byte("|calls=" + strconv.Itoa(h.bodyCalls))); err != nil {
		proxywasm.LogErrorf("appending to the request body: %v", err)
	}
	return types.ActionContinue
}

func (*httpContext) OnHttpRequestTrailers(int) types.Action {
	_ = proxywasm.AddHttpRequestTrailer("x-trailer-seen", "yes")
	return types.ActionContinue
}

func (*httpContext) OnHttpResponseHeaders(int, bool) types.Action {
	_ = proxywasm.AddHttpResponseHeader("x-response", "changed")
	_ = proxywasm.RemoveHttpResponseHeader("content-length")
	return types.ActionContinue
}

func (*httpContext) OnHttpResponseBody(bodySize int, endOfStream bool) types.Action {
	if !endOfStream {
		return types.ActionPause
	}
	_ = proxywasm.PrependHttpResponseBody([]byte("["))
	_ = proxywasm.AppendHttpResponseBody([]byte("]"))
	return types.ActionContinue
}

// Package counter keeps decimal counters in proxy-wasm shared data, updated with compare-and-swap
// so that VMs on every worker thread can count together without losing an update.
package counter

import (
	"errors"
	"strconv"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"
)

// Ensure creates key with "0" when it does not exist yet. It runs where only one thread is
// active (the host's start-up check on its main thread), so that later increments always carry a
// nonzero cas: a cas of 0 would overwrite unconditionally.
func Ensure(key string) error {
	_, _, err := proxywasm.GetSharedData(key)
	if errors.Is(err, types.ErrorStatusNotFound) {
		return proxywasm.SetSharedData(key, []byte("0"), 0)
	}
	return err
}

// Increment adds one to key and returns the new value and how many times another thread's write
// got in first (each one a cas mismatch and a retry).
func Increment(key string) (value int, retries int, err error) {
	for {
		data, cas, err := proxywasm.GetSharedData(key)
		if err != nil {
			return 0, retries, err
		}
		current, err := strconv.Atoi(string(data))
		if err != nil {
			return 0, retries, err
		}
		next := current + 1
		err = proxywasm.SetSharedData(key, []byte(strconv.Itoa(next)), cas)
		if err == nil {
			return next, retries, nil
		}
		if !errors.Is(err, types.ErrorStatusCasMismatch) {
			return 0, retries, err
		}
		retries++
	}
}

// Status names a host result the way the tests expect it in headers.
func Status(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, types.ErrorStatusNotFound):
		return "not_found"
	case errors.Is(err, types.ErrorStatusBadArgument):
		return "bad_argument"
	case errors.Is(err, types.ErrorStatusEmpty):
		return "empty"
	case errors.Is(err, types.ErrorStatusCasMismatch):
		return "cas_mismatch"
	case errors.Is(err, types.ErrorUnimplemented):
		return "unimplemented"
	default:
		return "error: " + err.Error()
	}
}

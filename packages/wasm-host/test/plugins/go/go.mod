// Nuncio's own proxy-wasm test plugins written with the Go SDK: one main package per area, each
// built with GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared by scripts/build-sdk-plugins.ts.
module nuncio.test/wasm-host/sdk-plugins

go 1.24

require github.com/proxy-wasm/proxy-wasm-go-sdk v0.0.0-20260105142703-44c7d5847745

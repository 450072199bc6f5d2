//! Shared data under contention: every request adds one to the "hits" counter with
//! compare-and-swap, retrying on a cas mismatch, and reports the value it wrote ("x-count") and
//! how many retries it took ("x-cas-retries").

use nuncio_sdk_plugins::{ensure_counter, increment_counter, status_name};
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root) });
}}

struct Root;

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        match ensure_counter("hits") {
            Ok(()) => true,
            Err(status) => {
                log::error!("creating the counter: {status:?}");
                false
            }
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Counter))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Counter;

impl Context for Counter {}

impl HttpContext for Counter {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        match increment_counter("hits") {
            Ok((value, retries)) => {
                self.add_http_request_header("x-count", &value.to_string());
                self.add_http_request_header("x-cas-retries", &retries.to_string());
            }
            Err(status) => self.add_http_request_header("x-count-error", status_name(Err(status))),
        }
        Action::Continue
    }
}

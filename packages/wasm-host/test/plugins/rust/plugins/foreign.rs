//! Foreign functions: calls a name no host registers and "compress" (which Envoy registers), and
//! reports the host's answers ("x-foreign-missing", "x-foreign-compress").

use nuncio_sdk_plugins::status_name;
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_http_context(|_, _| -> Box<dyn HttpContext> { Box::new(Caller) });
}}

struct Caller;

impl Context for Caller {}

impl HttpContext for Caller {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let missing = self.call_foreign_function("nuncio_no_such_function", Some(b"argument"));
        self.add_http_request_header("x-foreign-missing", status_name(missing.map(|_| ())));
        let compress = self.call_foreign_function("compress", Some(b"aaaaaaaaaaaaaaaa"));
        self.add_http_request_header("x-foreign-compress", status_name(compress.map(|_| ())));
        Action::Continue
    }
}

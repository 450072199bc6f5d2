//! A trap inside a callback: a request with "x-panic: yes" panics, which this build (panic =
//! "abort", as the SDK's examples build) turns into a WebAssembly trap after the SDK's panic hook
//! has logged the message; any other request is marked "x-ok: yes".

use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_http_context(|_, _| -> Box<dyn HttpContext> { Box::new(Trapper) });
}}

struct Trapper;

impl Context for Trapper {}

impl HttpContext for Trapper {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        if self.get_http_request_header("x-panic").as_deref() == Some("yes") {
            panic!("the test asked this plugin to panic");
        }
        self.add_http_request_header("x-ok", "yes");
        Action::Continue
    }
}

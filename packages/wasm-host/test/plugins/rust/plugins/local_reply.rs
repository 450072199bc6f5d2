//! Local replies: "/deny" is answered by the plugin with a 403, a header and a body; "/grpc" with
//! a gRPC status; anything else passes.

use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_http_context(|_, _| -> Box<dyn HttpContext> { Box::new(Replier) });
}}

struct Replier;

impl Context for Replier {}

impl HttpContext for Replier {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        match self.get_http_request_header(":path").as_deref() {
            Some("/deny") => {
                self.send_http_response(403, vec![("x-reason", "sdk")], Some(b"denied by the plugin"));
                Action::Pause
            }
            Some("/grpc") => {
                self.send_grpc_response(GrpcStatusCode::PermissionDenied, None, vec![]);
                Action::Pause
            }
            _ => Action::Continue,
        }
    }
}

//! Header and body changes in both directions: request headers added, replaced and removed; the
//! request body buffered to its end, then replaced (upper case) and appended to; a trailer added;
//! response headers changed; the response body wrapped in brackets at its end.

use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_http_context(|_, _| -> Box<dyn HttpContext> { Box::new(Rewriter { body_calls: 0 }) });
}}

struct Rewriter {
    body_calls: u32,
}

impl Context for Rewriter {}

impl HttpContext for Rewriter {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let count = self.get_http_request_headers().len();
        if let Some(value) = self.get_http_request_header("x-in") {
            self.add_http_request_header("x-out", &format!("{value}!"));
        }
        self.set_http_request_header("x-replace", Some("replaced"));
        self.set_http_request_header("x-remove", None);
        self.add_http_request_header("x-header-count", &count.to_string());
        Action::Continue
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        self.body_calls += 1;
        if !end_of_stream {
            // Keep buffering: the whole body is changed at once.
            return Action::Pause;
        }
        let body = self.get_http_request_body(0, body_size).unwrap_or_default();
        let upper = body.to_ascii_uppercase();
        self.set_http_request_body(0, body_size, &upper);
        // A start at the end of the buffer appends.
        let suffix = format!("|calls={}", self.body_calls);
        self.set_http_request_body(upper.len(), 0, suffix.as_bytes());
        Action::Continue
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Action {
        self.add_http_request_trailer("x-trailer-seen", "yes");
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        self.add_http_response_header("x-response", "changed");
        self.set_http_response_header("content-length", None);
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if !end_of_stream {
            return Action::Pause;
        }
        // Start 0 with size 0 prepends; a start at the end appends.
        self.set_http_response_body(0, 0, b"[");
        self.set_http_response_body(body_size + 1, 0, b"]");
        Action::Continue
    }
}

//! http_call: each request dispatches a GET of its "x-call-path" header to the cluster named by
//! the plugin configuration, pauses, and when the answer comes copies its status, body and
//! header count into the request ("x-call-status", "x-call-body", "x-call-headers") and resumes.

use nuncio_sdk_plugins::status_name;
use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::rc::Rc;
use std::time::Duration;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { cluster: Rc::new(String::new()) }) });
}}

struct Root {
    cluster: Rc<String>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let configuration = self.get_plugin_configuration().unwrap_or_default();
        self.cluster = Rc::new(String::from_utf8_lossy(&configuration).into_owned());
        true
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Caller { cluster: self.cluster.clone() }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Caller {
    cluster: Rc<String>,
}

impl Context for Caller {
    fn on_http_call_response(&mut self, _token: u32, headers: usize, body_size: usize, _trailers: usize) {
        let status = self.get_http_call_response_header(":status").unwrap_or_default();
        let body = if body_size > 0 {
            self.get_http_call_response_body(0, body_size).unwrap_or_default()
        } else {
            Vec::new()
        };
        self.add_http_request_header("x-call-status", &status);
        self.add_http_request_header("x-call-body", &String::from_utf8_lossy(&body));
        self.add_http_request_header("x-call-headers", &headers.to_string());
        self.resume_http_request();
    }
}

impl HttpContext for Caller {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let path = self.get_http_request_header("x-call-path").unwrap_or_else(|| "/".to_string());
        let timeout = self
            .get_http_request_header("x-call-timeout")
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(5000);
        let result = self.dispatch_http_call(
            &self.cluster,
            vec![(":method", "GET"), (":path", &path), (":authority", &self.cluster)],
            None,
            vec![],
            Duration::from_millis(timeout),
        );
        let result = result.map(|_| ());
        self.add_http_request_header("x-call-result", status_name(result));
        if result.is_ok() { Action::Pause } else { Action::Continue }
    }
}

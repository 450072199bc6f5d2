//! Metrics: a counter of requests, a gauge of streams in flight (up on request headers, down when
//! the stream is logged) and a histogram of the "x-sample" header's values. Each request reports
//! the counter and gauge as the plugin reads them back ("x-counter", "x-gauge").

use proxy_wasm::hostcalls;
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { ids: None }) });
}}

#[derive(Clone, Copy)]
struct Ids {
    requests: u32,
    active: u32,
    samples: u32,
}

struct Root {
    ids: Option<Ids>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let defined = (|| -> Result<Ids, Status> {
            Ok(Ids {
                requests: hostcalls::define_metric(MetricType::Counter, "sdk_requests")?,
                active: hostcalls::define_metric(MetricType::Gauge, "sdk_active")?,
                samples: hostcalls::define_metric(MetricType::Histogram, "sdk_samples")?,
            })
        })();
        match defined {
            Ok(ids) => {
                self.ids = Some(ids);
                true
            }
            Err(status) => {
                log::error!("defining metrics: {status:?}");
                false
            }
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Stream { ids: self.ids? }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Stream {
    ids: Ids,
}

impl Context for Stream {}

impl HttpContext for Stream {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let ids = self.ids;
        let _ = hostcalls::increment_metric(ids.requests, 1);
        let _ = hostcalls::increment_metric(ids.active, 1);
        if let Some(sample) = self.get_http_request_header("x-sample") {
            if let Ok(value) = sample.parse::<u64>() {
                let _ = hostcalls::record_metric(ids.samples, value);
            }
        }
        let counter = hostcalls::get_metric(ids.requests).map_or(-1, |v| v as i64);
        let gauge = hostcalls::get_metric(ids.active).map_or(-1, |v| v as i64);
        self.add_http_request_header("x-counter", &counter.to_string());
        self.add_http_request_header("x-gauge", &gauge.to_string());
        Action::Continue
    }

    fn on_log(&mut self) {
        let _ = hostcalls::increment_metric(self.ids.active, -1);
    }
}

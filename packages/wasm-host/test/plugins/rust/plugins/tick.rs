//! Ticks: the plugin configuration is "<period ms> <ticks> [cluster]"; the root context asks for
//! ticks at that period, counts them in shared data ("ticks") and stops its timer after the last
//! one. With a cluster, every tick also dispatches an http_call from the root context and counts
//! the answers ("calls_answered").

use nuncio_sdk_plugins::{ensure_counter, increment_counter};
use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::time::Duration;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Ticker { limit: 0, seen: 0, cluster: None }) });
}}

struct Ticker {
    limit: u32,
    seen: u32,
    cluster: Option<String>,
}

impl Context for Ticker {
    fn on_http_call_response(&mut self, _token: u32, _headers: usize, _body: usize, _trailers: usize) {
        if let Err(status) = increment_counter("calls_answered") {
            log::error!("counting an answer: {status:?}");
        }
    }
}

impl RootContext for Ticker {
    fn on_configure(&mut self, _size: usize) -> bool {
        let configuration = self.get_plugin_configuration().unwrap_or_default();
        let text = String::from_utf8_lossy(&configuration);
        let mut fields = text.split_whitespace();
        let period = fields.next().and_then(|f| f.parse::<u64>().ok());
        let limit = fields.next().and_then(|f| f.parse::<u32>().ok());
        let (Some(period), Some(limit)) = (period, limit) else {
            log::error!("configuration {text:?} is not \"<period ms> <ticks> [cluster]\"");
            return false;
        };
        for key in ["ticks", "calls_answered"] {
            if let Err(status) = ensure_counter(key) {
                log::error!("creating {key}: {status:?}");
                return false;
            }
        }
        self.limit = limit;
        self.cluster = fields.next().map(str::to_string);
        self.set_tick_period(Duration::from_millis(period));
        true
    }

    fn on_tick(&mut self) {
        self.seen += 1;
        if let Err(status) = increment_counter("ticks") {
            log::error!("counting a tick: {status:?}");
        }
        if let Some(cluster) = self.cluster.clone() {
            let headers = vec![(":method", "GET"), (":path", "/tick"), (":authority", cluster.as_str())];
            if let Err(status) =
                self.dispatch_http_call(&cluster, headers, None, vec![], Duration::from_secs(5))
            {
                log::error!("dispatching from a tick: {status:?}");
            }
        }
        if self.seen >= self.limit {
            // A period of 0 turns the timer off.
            self.set_tick_period(Duration::ZERO);
        }
    }
}

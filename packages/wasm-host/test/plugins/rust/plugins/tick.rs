//! Ticks: the plugin configuration is "<period ms> <ticks>"; the root context asks for ticks at
//! that period, counts them in shared data ("ticks") and stops its timer after the last one.

use nuncio_sdk_plugins::{ensure_counter, increment_counter};
use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::time::Duration;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Ticker { limit: 0, seen: 0 }) });
}}

struct Ticker {
    limit: u32,
    seen: u32,
}

impl Context for Ticker {}

impl RootContext for Ticker {
    fn on_configure(&mut self, _size: usize) -> bool {
        let configuration = self.get_plugin_configuration().unwrap_or_default();
        let text = String::from_utf8_lossy(&configuration);
        let mut fields = text.split_whitespace().map(|field| field.parse::<u64>());
        let (Some(Ok(period)), Some(Ok(limit))) = (fields.next(), fields.next()) else {
            log::error!("configuration {text:?} is not \"<period ms> <ticks>\"");
            return false;
        };
        if let Err(status) = ensure_counter("ticks") {
            log::error!("creating the tick counter: {status:?}");
            return false;
        }
        self.limit = limit as u32;
        self.set_tick_period(Duration::from_millis(period));
        true
    }

    fn on_tick(&mut self) {
        self.seen += 1;
        if let Err(status) = increment_counter("ticks") {
            log::error!("counting a tick: {status:?}");
        }
        if self.seen >= self.limit {
            // A period of 0 turns the timer off.
            self.set_tick_period(Duration::ZERO);
        }
    }
}

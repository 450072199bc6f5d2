//! The network (L4) callbacks: connections counted in shared data, downstream bytes upper-cased,
//! every "E" from upstream turned into "3" (both chunk-independent, so they hold however TCP
//! splits the stream), a downstream "close" closing the downstream connection, and the close
//! and the end of the stream recorded in shared data ("last_close_peer", "done", "last_bytes",
//! "last_source").

use nuncio_sdk_plugins::{ensure_counter, increment_counter};
use proxy_wasm::hostcalls;
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
        for key in ["connections", "done"] {
            if let Err(status) = ensure_counter(key) {
                log::error!("creating {key}: {status:?}");
                return false;
            }
        }
        true
    }

    fn create_stream_context(&self, _context_id: u32) -> Option<Box<dyn StreamContext>> {
        Some(Box::new(Connection { downstream_bytes: 0 }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::StreamContext)
    }
}

struct Connection {
    downstream_bytes: usize,
}

impl Context for Connection {}

impl StreamContext for Connection {
    fn on_new_connection(&mut self) -> Action {
        if let Err(status) = increment_counter("connections") {
            log::error!("counting the connection: {status:?}");
        }
        if let Some(address) = self.get_property(vec!["source", "address"]) {
            let _ = hostcalls::set_shared_data("last_source", Some(&address), None);
        }
        Action::Continue
    }

    fn on_downstream_data(&mut self, data_size: usize, _end_of_stream: bool) -> Action {
        if data_size == 0 {
            return Action::Continue;
        }
        let data = self.get_downstream_data(0, data_size).unwrap_or_default();
        self.downstream_bytes += data.len();
        if data.trim_ascii() == b"close" {
            self.close_downstream();
            return Action::Pause;
        }
        self.set_downstream_data(0, data_size, &data.to_ascii_uppercase());
        Action::Continue
    }

    fn on_upstream_data(&mut self, data_size: usize, _end_of_stream: bool) -> Action {
        if data_size == 0 {
            return Action::Continue;
        }
        let data = self.get_upstream_data(0, data_size).unwrap_or_default();
        let changed: Vec<u8> = data.iter().map(|&b| if b == b'E' { b'3' } else { b }).collect();
        self.set_upstream_data(0, data_size, &changed);
        Action::Continue
    }

    fn on_downstream_close(&mut self, peer: PeerType) {
        let peer = (peer as u32).to_string();
        let _ = hostcalls::set_shared_data("last_close_peer", Some(peer.as_bytes()), None);
    }

    fn on_log(&mut self) {
        let bytes = self.downstream_bytes.to_string();
        let _ = hostcalls::set_shared_data("last_bytes", Some(bytes.as_bytes()), None);
        if let Err(status) = increment_counter("done") {
            log::error!("counting the finished stream: {status:?}");
        }
    }
}

//! Properties: Envoy's attributes decoded as Envoy encodes them (strings as bytes, integers and
//! timestamps as 8 little-endian bytes, header maps serialized), a value the plugin stores with
//! set_property and reads back, and a missing attribute.

use nuncio_sdk_plugins::parse_map;
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_http_context(|_, _| -> Box<dyn HttpContext> { Box::new(Reader) });
}}

struct Reader;

impl Context for Reader {}

fn text(bytes: Option<Bytes>) -> String {
    match bytes {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => "not_found".to_string(),
    }
}

fn integer(bytes: Option<Bytes>) -> String {
    match bytes {
        Some(bytes) if bytes.len() == 8 => {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes);
            i64::from_le_bytes(word).to_string()
        }
        Some(bytes) => format!("{} bytes", bytes.len()),
        None => "not_found".to_string(),
    }
}

impl Reader {
    fn put(&self, name: &str, value: &str) {
        self.add_http_request_header(name, value);
    }
}

impl HttpContext for Reader {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        self.put("x-plugin-name", &text(self.get_property(vec!["plugin_name"])));
        self.put("x-root-id", &text(self.get_property(vec!["plugin_root_id"])));
        self.put("x-vm-id", &text(self.get_property(vec!["plugin_vm_id"])));
        self.put("x-node-id", &text(self.get_property(vec!["node", "id"])));
        self.put("x-node-cluster", &text(self.get_property(vec!["node", "cluster"])));
        self.put("x-node-team", &text(self.get_property(vec!["node", "metadata", "team"])));
        self.put("x-direction", &integer(self.get_property(vec!["listener_direction"])));

        self.put("x-path", &text(self.get_property(vec!["request", "path"])));
        self.put("x-method", &text(self.get_property(vec!["request", "method"])));
        let headers = self.get_property(vec!["request", "headers"]).map(|b| parse_map(&b));
        let x_in = headers
            .unwrap_or_default()
            .into_iter()
            .find(|(name, _)| name == "x-in")
            .map_or("not_found".to_string(), |(_, value)| value);
        self.put("x-header-prop", &x_in);
        let time = integer(self.get_property(vec!["request", "time"]));
        let time_ms = time.parse::<i64>().map_or(time.clone(), |ns| (ns / 1_000_000).to_string());
        self.put("x-request-time-ms", &time_ms);
        self.put("x-source-address", &text(self.get_property(vec!["source", "address"])));
        self.put("x-source-port", &integer(self.get_property(vec!["source", "port"])));
        self.put("x-connection-id", &integer(self.get_property(vec!["connection_id"])));

        self.set_property(vec!["nuncio_state"], Some(b"kept"));
        self.put("x-state", &text(self.get_property(vec!["nuncio_state"])));
        let missing = self.get_property(vec!["request", "no_such_attribute"]);
        self.put("x-missing", if missing.is_some() { "found" } else { "not_found" });
        Action::Continue
    }
}

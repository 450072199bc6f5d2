//! What several of Nuncio's Rust SDK test plugins share: decimal counters in shared data updated
//! with compare-and-swap, the names the tests expect for host results, and a reader for Envoy's
//! serialized string maps (how header-map properties arrive).

use proxy_wasm::hostcalls;
use proxy_wasm::types::Status;

/// Creates `key` with "0" when it does not exist. Called where only one thread is active (the
/// host's start-up check on its main thread), so later increments always carry a nonzero cas:
/// a cas of 0 would overwrite unconditionally.
pub fn ensure_counter(key: &str) -> Result<(), Status> {
    match hostcalls::get_shared_data(key)? {
        (None, _) => hostcalls::set_shared_data(key, Some(b"0"), None),
        _ => Ok(()),
    }
}

/// Adds one to `key`; returns the new value and the number of cas mismatches (each one another
/// thread's write that got in first, and a retry).
pub fn increment_counter(key: &str) -> Result<(u64, u32), Status> {
    let mut retries = 0;
    loop {
        let (value, cas) = hostcalls::get_shared_data(key)?;
        let value = value.ok_or(Status::NotFound)?;
        let current: u64 = std::str::from_utf8(&value)
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or(Status::SerializationFailure)?;
        let next = current + 1;
        match hostcalls::set_shared_data(key, Some(next.to_string().as_bytes()), cas) {
            Ok(()) => return Ok((next, retries)),
            Err(Status::CasMismatch) => retries += 1,
            Err(status) => return Err(status),
        }
    }
}

/// A host result as the tests expect it in headers.
pub fn status_name(result: Result<(), Status>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(Status::NotFound) => "not_found",
        Err(Status::BadArgument) => "bad_argument",
        Err(Status::Empty) => "empty",
        Err(Status::CasMismatch) => "cas_mismatch",
        Err(Status::SerializationFailure) => "serialization_failure",
        Err(Status::InternalFailure) => "internal_failure",
        Err(_) => "other",
    }
}

/// Reads Envoy's serialized map (a u32 count, then each key and value size, then the NUL-
/// terminated keys and values), the encoding of header-map properties.
pub fn parse_map(bytes: &[u8]) -> Vec<(String, String)> {
    let word = |at: usize| -> Option<usize> {
        let b = bytes.get(at..at + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let mut pairs = Vec::new();
    let Some(count) = word(0) else { return pairs };
    let mut data = 4 + count * 8;
    for i in 0..count {
        let (Some(key_size), Some(value_size)) = (word(4 + i * 8), word(8 + i * 8)) else {
            return pairs;
        };
        let key = bytes.get(data..data + key_size).unwrap_or_default();
        data += key_size + 1;
        let value = bytes.get(data..data + value_size).unwrap_or_default();
        data += value_size + 1;
        pairs.push((
            String::from_utf8_lossy(key).into_owned(),
            String::from_utf8_lossy(value).into_owned(),
        ));
    }
    pairs
}

//! Shared queues between two plugins of one vm_id. Plugin configuration "consumer <queue>"
//! registers the queue and, on each wake-up, drains it into shared data ("jobs_received",
//! "last_job"); "producer <vm_id> <queue>" resolves the queue on every request and enqueues the
//! request's "x-job" header, answering "x-resolve" and "x-enqueue".

use nuncio_sdk_plugins::status_name;
use proxy_wasm::hostcalls;
use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::rc::Rc;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> {
        Box::new(Root { role: Rc::new(Role::Unset), received: 0 })
    });
}}

enum Role {
    Unset,
    Consumer,
    Producer { vm_id: String, queue: String },
}

struct Root {
    role: Rc<Role>,
    received: u64,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let configuration = self.get_plugin_configuration().unwrap_or_default();
        let text = String::from_utf8_lossy(&configuration).into_owned();
        let fields: Vec<&str> = text.split_whitespace().collect();
        match fields.as_slice() {
            ["consumer", queue] => {
                if let Err(status) = hostcalls::register_shared_queue(queue) {
                    log::error!("registering queue {queue}: {status:?}");
                    return false;
                }
                self.role = Rc::new(Role::Consumer);
            }
            ["producer", vm_id, queue] => {
                self.role = Rc::new(Role::Producer {
                    vm_id: vm_id.to_string(),
                    queue: queue.to_string(),
                });
            }
            _ => {
                log::error!("configuration {text:?} is neither consumer nor producer");
                return false;
            }
        }
        true
    }

    fn on_queue_ready(&mut self, queue_id: u32) {
        loop {
            match hostcalls::dequeue_shared_queue(queue_id) {
                Ok(Some(item)) => {
                    self.received += 1;
                    // Only the queue's owner writes these keys: an unconditional set is safe.
                    let _ = hostcalls::set_shared_data("last_job", Some(&item), None);
                    let count = self.received.to_string();
                    let _ = hostcalls::set_shared_data("jobs_received", Some(count.as_bytes()), None);
                }
                Ok(None) => return,
                Err(status) => {
                    log::error!("dequeue: {status:?}");
                    return;
                }
            }
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        match *self.role {
            Role::Producer { .. } => Some(Box::new(Producer { role: self.role.clone() })),
            _ => None,
        }
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Producer {
    role: Rc<Role>,
}

impl Context for Producer {}

impl HttpContext for Producer {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let Role::Producer { vm_id, queue } = &*self.role else {
            return Action::Continue;
        };
        let queue_id = match self.resolve_shared_queue(vm_id, queue) {
            Some(id) => id,
            None => {
                self.add_http_request_header("x-resolve", "not_found");
                return Action::Continue;
            }
        };
        self.add_http_request_header("x-resolve", "ok");
        let Some(job) = self.get_http_request_header("x-job") else {
            self.add_http_request_header("x-enqueue", "no x-job header");
            return Action::Continue;
        };
        let result = self.enqueue_shared_queue(queue_id, Some(job.as_bytes()));
        self.add_http_request_header("x-enqueue", status_name(result));
        Action::Continue
    }
}

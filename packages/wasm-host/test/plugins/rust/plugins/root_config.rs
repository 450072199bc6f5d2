//! Root contexts: the VM configuration read in on_vm_start, the plugin configuration read by
//! each root context in on_configure, several plugins sharing one VM, and a refusal from either.

use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    // VM-wide state: one copy per VM, shared by every root context the VM hosts.
    static VM_CONFIGURATION: RefCell<String> = const { RefCell::new(String::new()) };
    static ROOT_CONTEXTS: Cell<u32> = const { Cell::new(0) };
}

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|context_id| -> Box<dyn RootContext> {
        ROOT_CONTEXTS.with(|count| count.set(count.get() + 1));
        Box::new(Root { context_id, configuration: Rc::new(String::new()), streams: Rc::new(Cell::new(0)) })
    });
}}

struct Root {
    context_id: u32,
    configuration: Rc<String>,
    streams: Rc<Cell<u32>>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_vm_start(&mut self, _size: usize) -> bool {
        let configuration = self
            .get_vm_configuration()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        if configuration == "refuse" {
            log::error!("the VM configuration says refuse");
            return false;
        }
        VM_CONFIGURATION.with(|vm| *vm.borrow_mut() = configuration);
        true
    }

    fn on_configure(&mut self, _size: usize) -> bool {
        let configuration = self
            .get_plugin_configuration()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        if configuration == "reject" {
            log::error!("the plugin configuration says reject");
            return false;
        }
        self.configuration = Rc::new(configuration);
        true
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        self.streams.set(self.streams.get() + 1);
        Some(Box::new(Stream {
            root_context_id: self.context_id,
            configuration: self.configuration.clone(),
            number: self.streams.get(),
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Stream {
    root_context_id: u32,
    configuration: Rc<String>,
    number: u32,
}

impl Context for Stream {}

impl HttpContext for Stream {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let vm_configuration = VM_CONFIGURATION.with(|vm| vm.borrow().clone());
        let root_contexts = ROOT_CONTEXTS.with(|count| count.get());
        self.add_http_request_header("x-vm-config", &vm_configuration);
        self.add_http_request_header("x-plugin-config", &self.configuration);
        self.add_http_request_header("x-plugins-in-vm", &root_contexts.to_string());
        self.add_http_request_header("x-root-context-id", &self.root_context_id.to_string());
        self.add_http_request_header("x-stream-number", &self.number.to_string());
        Action::Continue
    }
}

//! The training workers themselves ([`crate::worker`]): creating them, posting to them, and
//! routing what they say to the [`Scheduler`], which decides everything. The page never
//! trains.
//!
//! Invariant: the scheduler is borrowed only here, for one event at a time; its commands
//! are carried out while it decides (those for the workers here, the rest by
//! [`crate::apply`]). Nothing a command does calls back into the scheduler at once: worker
//! messages and Leptos effects arrive as later tasks.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::apply;
use crate::protocol::{self, DevicePreference, FromWorker};
use crate::scheduler::{Recovery, Scheduler};
use crate::state::Lab;

/// The worker script trunk writes (`data-type="worker"`, `data-loader-shim`).
const WORKER_SCRIPT: &str = "./grokking-worker_loader.js";

mod page;

use page::Page;

type MessageHandler = Closure<dyn FnMut(web_sys::MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(web_sys::ErrorEvent)>;

/// The workers and their scheduler, shared by the workers' message handlers and the page.
#[derive(Clone)]
pub struct Workers {
    lab: Lab,
    scheduler: Rc<RefCell<Scheduler>>,
    /// By index, as the scheduler numbers them (`None`: it could not start).
    workers: Rc<RefCell<Vec<Option<web_sys::Worker>>>>,
    /// Closures the workers call; kept for the page's life (a terminated worker's last
    /// message may still be queued).
    handlers: Rc<RefCell<Vec<(MessageHandler, ErrorHandler)>>>,
}

impl Workers {
    /// Starts the first worker; the rest follow once it knows the device.
    pub fn start(lab: Lab) -> Self {
        let workers = Self {
            lab,
            scheduler: Rc::default(),
            workers: Rc::default(),
            handlers: Rc::default(),
        };
        let mut page = Page::new(&workers);
        let scheduler = Scheduler::start(&mut page);
        *workers.scheduler.borrow_mut() = scheduler;
        page.halt_on_failures(&mut workers.scheduler.borrow_mut());
        workers
    }

    /// Hands out work: whenever what the user wants changes.
    pub fn schedule(&self) {
        self.event(|scheduler, page| scheduler.schedule(page));
    }

    /// Goes on after a GPU fault as the user chose.
    pub fn recover(&self, how: Recovery) {
        self.event(|scheduler, page| {
            scheduler.recover(page, how);
            scheduler.schedule(page);
        });
    }

    /// Runs one event through the scheduler.
    fn event(&self, decide: impl FnOnce(&mut Scheduler, &mut Page)) {
        let mut page = Page::new(self);
        let mut scheduler = self.scheduler.borrow_mut();
        decide(&mut scheduler, &mut page);
        page.halt_on_failures(&mut scheduler);
    }

    fn receive(&self, index: usize, generation: u32, message: FromWorker) {
        if !self.scheduler.borrow().is_current(index, generation) {
            return;
        }
        let lab = self.lab;
        // The worker says what happened as data; the page words it in its language now.
        let lang = lab.lang_now();
        self.event(|scheduler, page| {
            match message {
                FromWorker::Hello { build } if build != protocol::BUILD_ID => {
                    scheduler.other_build(page, index, Some(build));
                }
                FromWorker::Hello { .. } => scheduler.hello(page, index),
                FromWorker::Ready(device) => scheduler.ready(page, index, device),
                FromWorker::Notice { level, said } => lab.notify(level, said.text(lang)),
                FromWorker::Started { job, runs, bytes } => {
                    if scheduler.started(page, index, job, runs) {
                        apply::started(lab, index, runs, bytes);
                    }
                }
                FromWorker::FirstStep => apply::first_step(lab),
                FromWorker::Dispatches { per_step, .. } => {
                    lab.perf
                        .update(|perf| perf.kernels_per_step = Some(per_step));
                }
                FromWorker::Evaluated {
                    job,
                    reports,
                    steps,
                    steps_per_second,
                    longest_slice_ms,
                    device_bytes,
                } => {
                    lab.perf
                        .update(|perf| perf.worker(index).device_bytes = device_bytes);
                    if let Some(progress) = scheduler.evaluated(page, job, reports) {
                        apply::progressed(
                            lab,
                            index,
                            progress,
                            steps,
                            steps_per_second,
                            longest_slice_ms,
                        );
                    }
                }
                FromWorker::Stopped { job, why } => scheduler.stopped(page, index, job, why),
                FromWorker::Failed { job, message } => {
                    scheduler.failed(page, index, job, message.text(lang));
                }
                FromWorker::Unavailable { job, message } => {
                    scheduler.unavailable(page, index, job, &message.text(lang));
                }
                FromWorker::Released { job } => {
                    scheduler.released(page, job);
                    lab.perf.update(|perf| perf.worker(index).released += 1);
                }
                FromWorker::GpuFault { message } => {
                    scheduler.gpu_fault(page, index, message.text(lang));
                }
                FromWorker::Crashed { message } => scheduler.crashed(page, index, &message),
            }
            scheduler.schedule(page);
        });
    }

    /// A message this page cannot read: our own worker never sends one, another build does.
    fn unreadable(&self, index: usize, generation: u32) {
        if self.scheduler.borrow().is_current(index, generation) {
            self.event(|scheduler, page| scheduler.other_build(page, index, None));
        }
    }

    /// Creates (or replaces) worker `index`, its messages tagged with `generation`.
    fn spawn(&self, index: usize, generation: u32, asked: DevicePreference) -> Result<(), JsValue> {
        let options = web_sys::WorkerOptions::new();
        options.set_name(&format!("training-{}{}", index + 1, asked.worker_suffix()));
        let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &options)?;
        let this = self.clone();
        let on_message = MessageHandler::new(move |event: web_sys::MessageEvent| {
            let message = event
                .data()
                .as_string()
                .and_then(|text| protocol::parse::<FromWorker>(&text));
            match message {
                Some(message) => this.receive(index, generation, message),
                None => this.unreadable(index, generation),
            }
        });
        let this = self.clone();
        let on_error = ErrorHandler::new(move |event: web_sys::ErrorEvent| {
            event.prevent_default();
            let message = event.message();
            this.receive(index, generation, FromWorker::Crashed { message });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.handlers.borrow_mut().push((on_message, on_error));
        let mut workers = self.workers.borrow_mut();
        if index >= workers.len() {
            workers.resize(index + 1, None);
        }
        workers[index] = Some(worker);
        Ok(())
    }

    fn worker(&self, index: usize) -> Option<web_sys::Worker> {
        self.workers.borrow().get(index).cloned().flatten()
    }
}

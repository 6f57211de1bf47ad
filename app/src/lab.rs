//! The page: wiring state, engine, storage, URL and the views together.

use grokking_lab::record::{self, Loaded};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::apply;
use crate::charts::curves::Curves;
use crate::charts::heatmap::AccuracyHeatmap;
use crate::charts::learned::LearnedViews;
use crate::charts::model_map::{self, ModelMap};
use crate::charts::phase::PhaseDiagram;
use crate::controls::{Presets, SettingsForm, SizeSlider, Transport};
use crate::explain::Explanation;
use crate::export;
use crate::i18n::Lang;
use crate::import;
use crate::keys;
use crate::pool::Workers;
use crate::protocol;
use crate::reference;
use crate::scheduler::Recovery;
use crate::scrubber::Scrubber;
use crate::settings::{LabSettings, url};
use crate::state::{Lab, Level, PerfStats, RunEntry, WorkerPerf};
use crate::store;
use crate::tour_view::{TourCard, TourStart};
use crate::tr;
use crate::wake::{self, WakeLock};

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The languages the browser prefers, most preferred first.
fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages())
        .map(|list| list.iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// The language the browser asks for (the link's `lang=` overrides it).
fn browser_lang() -> Lang {
    Lang::from_browser(&browser_languages())
}

/// Reads the link's setup, reporting what could not be used.
fn apply_hash(lab: &Lab, hash: &str) {
    let lang = url::lang(hash).unwrap_or_else(browser_lang);
    if lab.lang.get_untracked() != lang {
        lab.lang.set(lang);
    }
    let url::Decoded {
        settings,
        selected,
        present,
        embed,
        callouts,
        tour,
        ignored,
    } = url::decode(hash);
    let selected = selected.unwrap_or_else(|| settings.middle_size());
    lab.show(settings, Some(selected));
    lab.present.set(present);
    lab.embed.set(embed);
    lab.callouts.set(callouts);
    // A tour is started by the link, never stopped by it (a link pasted mid-tour).
    if tour && !embed && lab.tour.with_untracked(Option::is_none) {
        crate::tour_view::start_tour(*lab);
    }
    if !ignored.is_empty() {
        let list: Vec<String> = ignored.iter().map(|i| i.describe(lang)).collect();
        lab.notify(
            Level::Warning,
            tr!(lang, "notice-link-ignored", list = list.join("; ")),
        );
    }
}

#[component]
pub fn App() -> impl IntoView {
    let lab = Lab::new(LabSettings::default(), 0);
    apply_hash(&lab, &location_hash());

    watch_long_tasks(lab);
    let wake_lock = RwSignal::new(WakeLock::Released);
    // The lab's wiring (the link, the queue, the reference results, the language, the keys)
    // runs its first time in the task after the header's, in the page's reactive owner.
    let owner = Owner::current();
    let wire_next_task = move || async move {
        crate::tasks::next_task().await;
        if let Some(owner) = owner {
            owner.with(|| wire(lab, wake_lock));
        }
    };
    // The workers, once started: the GPU-fault notice hands them the user's choice.
    let workers = StoredValue::new_local(None);
    if lab.embed.get_untracked() {
        leptos::task::spawn_local(async move {
            wire_next_task().await;
            crate::tasks::next_task().await;
            start(lab, workers).await;
        });
        return embedded(lab, workers).into_any();
    }
    // The page is built in many tasks, one part each: a part's first build also has V8
    // compile its wasm functions (lazily, on first call) and the browser lay it out, and
    // together they must stay well under a long task's 50 ms. The header comes first, Train
    // a frame later; between parts the browser paints and takes input.
    let stage = RwSignal::new(0_u8);
    leptos::task::spawn_local(async move {
        wire_next_task().await;
        for next in 1..=BUILD_STAGES {
            crate::tasks::next_frame().await;
            stage.set(next);
        }
        // The workers' start (a 10 MB module to compile, a device to measure) would share
        // the cores with the page's build: it waits for the built page.
        crate::tasks::next_frame().await;
        start(lab, workers).await;
    });
    let at = move |n: u8| move || stage.get() >= n;
    // The explanation and the tour's card come last; the card outlines its step's part of
    // the page, which must be there.
    view! {
        <header>
            <h1>{move || tr!(lab.lang(), "page-title")}</h1>
            <p class="tagline">{move || tr!(lab.lang(), "page-tagline")}</p>
            <DeviceBadge lab />
            <Show when=at(1)>
                <TourStart lab />
                <LanguageSwitch lab />
                <button id="present" class="present-toggle" aria-keyshortcuts="P"
                    aria-pressed=move || lab.present.get().to_string()
                    title=move || tr!(lab.lang(), "page-present-title")
                    on:click=move |ev| {
                        lab.present.update(|p| *p = !*p);
                        // Space should play next, not press this button again.
                        if let Some(button) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                            let _ = button.blur();
                        }
                    }>
                    {move || if lab.present.get() { tr!(lab.lang(), "page-present-leave") } else { tr!(lab.lang(), "page-present") }}
                </button>
            </Show>
        </header>
        <Notices lab />
        <GpuFault lab workers />
        <Show when=at(BUILD_STAGES)>
            <TourCard lab />
        </Show>
        <main>
            <section class="controls">
                <Show when=at(2)>
                    <Presets lab />
                </Show>
                <Show when=at(1)>
                    <Transport lab />
                </Show>
                <Show when=at(2)>
                    <SizeSlider lab />
                </Show>
                <Show when=at(3)>
                    <SettingsForm lab />
                </Show>
                <Show when=at(4)>
                    <ExportPanel lab />
                    <PerfPanel lab wake_lock />
                </Show>
            </section>
            <section class="plots">
                <Show when=at(5)>
                    <PhaseDiagram lab />
                </Show>
                <Show when=at(6)>
                    <AccuracyHeatmap lab />
                </Show>
                <Show when=at(7)>
                    <Curves lab />
                </Show>
                <Show when=at(8)>
                    <Scrubber lab />
                </Show>
                <Show when=at(9)>
                    <LearnedViews lab />
                </Show>
                <Show when=at(10)>
                    <ModelMap lab />
                </Show>
                <Show when=at(11)>
                    <ChartExports lab />
                </Show>
            </section>
        </main>
        <Show when=at(BUILD_STAGES)>
            <Explanation lab />
        </Show>
    }
    .into_any()
}

/// What keeps the lab, the link and the page in step: effects and listeners.
fn wire(lab: Lab, wake_lock: RwSignal<WakeLock>) {
    // The link always describes what is on screen.
    let last_hash = StoredValue::new(String::new());
    Effect::new(move |_| {
        let mut hash = lab.settings.with(|s| url::encode(s, lab.selected.get()));
        if lab.present.get() {
            hash.push_str(&format!("&{}=1", url::PRESENT_KEY));
        }
        if lab.embed.get() {
            hash.push_str(&format!("&{}=1", url::EMBED_KEY));
        }
        if !lab.callouts.get() {
            hash.push_str(&format!("&{}=0", url::CALLOUTS_KEY));
        }
        if lab.tour.with(|t| t.as_ref().is_some_and(|t| !t.finished)) {
            hash.push_str(&format!("&{}=1", url::TOUR_KEY));
        }
        // The language, where it is not the one this browser would pick anyway.
        let lang = lab.lang.get();
        if lang != browser_lang() {
            hash.push_str(&format!("&{}={}", url::LANG_KEY, lang.code()));
        }
        last_hash.set_value(hash.clone());
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{hash}")));
        }
    });
    // A link pasted into this tab.
    let on_hash_change = Closure::<dyn FnMut()>::new(move || {
        let hash = location_hash();
        if hash.trim_start_matches('#') != last_hash.get_value() {
            apply_hash(&lab, &hash);
        }
    });
    if let Some(window) = web_sys::window() {
        window.set_onhashchange(Some(on_hash_change.as_ref().unchecked_ref()));
    }
    on_hash_change.forget();

    // The selected size of the current setup is always queued (while playing, every size
    // is: a changed setup trains all of its sizes together); stale queue entries go.
    Effect::new(move |_| {
        let settings = lab.settings.get();
        let selected = settings.configs(lab.selected.get());
        let mut wanted = settings.all_configs();
        // The model-wise map's other widths of this setup, when it was asked to train them.
        for width in lab.map_widths.get() {
            if let Some(other) = model_map::at_width(&settings, width) {
                wanted.extend(other.all_configs());
            }
        }
        lab.queue
            .update(|queue| queue.retain(|c| wanted.contains(c) || selected.contains(c)));
        if lab.playing.get_untracked() {
            lab.enqueue_all();
        } else {
            for config in selected {
                lab.enqueue(config);
            }
        }
    });

    // The preset's reference sweep, shown faintly until live runs replace it.
    Effect::new(move |_| {
        let wanted = lab
            .settings
            .with(|s| s.preset().and_then(|p| reference::for_preset(p.name)));
        let have = lab
            .reference
            .with_untracked(|r| r.as_ref().map(|loaded| loaded.reference));
        if wanted == have {
            return;
        }
        lab.reference.set(None);
        if let Some(wanted) = wanted {
            leptos::task::spawn_local(async move {
                match reference::load(wanted).await {
                    // Still the preset on screen?
                    Ok(loaded)
                        if lab.settings.with_untracked(|s| {
                            s.preset().is_some_and(|p| p.name == wanted.preset)
                        }) =>
                    {
                        lab.reference.set(Some(loaded))
                    }
                    Ok(_) => {}
                    Err(error) => web_sys::console::warn_1(
                        &format!("no reference results for {}: {error}", wanted.preset).into(),
                    ),
                }
            });
        }
    });

    keys::listen(lab);
    // `<html lang>` follows the page's language (fonts, screen readers, hyphenation).
    Effect::new(move |_| {
        let lang = lab.lang.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", if lang == Lang::Zh { "zh-Hans" } else { "en" });
        }
    });
    // Projector and embed modes style the whole page (public/style.css, `body.present`,
    // `body.embed`).
    Effect::new(move |_| {
        let (present, embed) = (lab.present.get(), lab.embed.get());
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.class_list().toggle_with_force("present", present);
            let _ = body.class_list().toggle_with_force("embed", embed);
        }
    });
    wake::keep_awake_while_playing(lab, wake_lock);
    // index.html registers the service worker on this event: its first install (the whole
    // build fetched and hashed) waits until the page is built and its device chosen.
    let ready = StoredValue::new(false);
    Effect::new(move |_| {
        if lab.device.with(Option::is_some) && !ready.get_value() {
            ready.set_value(true);
            if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(READY_EVENT))
            {
                let _ = window.dispatch_event(&event);
            }
        }
    });
}

/// The event the page dispatches once its device is chosen (index.html listens for it).
const READY_EVENT: &str = "grokking-lab-ready";

/// The lab in a course page's frame (`embed=1`): the slider, Train and the two charts that
/// tell the story, and a link to the whole lab with the same setup. The setup form, the
/// other charts and the explanation are not built at all.
fn embedded(lab: Lab, workers: StoredValue<Option<Workers>, LocalStorage>) -> impl IntoView {
    let full_lab = move || {
        let page = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let base = page.split('#').next().unwrap_or_default().to_owned();
        let hash = lab.settings.with(|s| url::encode(s, lab.selected.get()));
        format!("{base}#{hash}")
    };
    view! {
        <header>
            <h1>{move || tr!(lab.lang(), "page-title")}</h1>
            <DeviceBadge lab />
            <a class="full-lab" href=full_lab target="_blank" rel="noopener">{move || tr!(lab.lang(), "page-open-full-lab")}</a>
        </header>
        <Notices lab />
        <GpuFault lab workers />
        <main>
            <section class="controls">
                <Transport lab />
                <SizeSlider lab />
            </section>
            <section class="plots">
                <PhaseDiagram lab />
                <Curves lab />
            </section>
        </main>
    }
}

/// Tasks the page is built in after the first (see `App`).
const BUILD_STAGES: u8 = 12;

/// How long the workers wait for saved runs before they start anyway (IndexedDB can hang
/// on a blocked upgrade or a slow disk; training must not).
const RESTORE_WAIT_MS: u32 = 3_000;

/// Restores saved runs (waiting for them a little, so finished runs are not retrained),
/// then starts the training workers and keeps them busy.
async fn start(lab: Lab, slot: StoredValue<Option<Workers>, LocalStorage>) {
    let restored = std::rc::Rc::new(std::cell::Cell::new(false));
    let done = restored.clone();
    leptos::task::spawn_local(async move {
        restore(lab).await;
        done.set(true);
    });
    leptos::task::spawn_local(store::ask_to_persist());
    for _ in 0..RESTORE_WAIT_MS / 50 {
        if restored.get() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    if !restored.get() {
        lab.notify(Level::Warning, tr!(lab.lang_now(), "notice-restore-slow"));
    }
    let workers = Workers::start(lab);
    slot.set_value(Some(workers.clone()));
    // Whatever the user changes may change what the workers should train; the workers'
    // own messages reschedule as they arrive.
    Effect::new(move |_| {
        lab.playing.track();
        lab.step_budget.track();
        lab.queue.track();
        lab.selected.track();
        lab.settings.track();
        lab.device.track();
        workers.schedule();
    });
    // The status line's elapsed seconds.
    loop {
        gloo_timers::future::TimeoutFuture::new(1000).await;
        lab.clock.set(crate::tasks::now_ms());
    }
}

/// Puts the runs saved in this browser back on screen, over any entry of the same run that
/// has not finished here (the page lists its sizes at once; a worker may have begun one
/// again if storage was slow). A run that finished here meanwhile is kept.
async fn restore(lab: Lab) {
    match store::load_all().await {
        Ok(restored) => {
            lab.runs.update(|runs| {
                for record in restored.runs {
                    let key = record.config.key();
                    if !runs.get(&key).is_some_and(RunEntry::is_complete) {
                        runs.insert(key, RunEntry::from_record(record));
                    }
                }
            });
            if restored.skipped > 0 {
                lab.notify(
                    Level::Warning,
                    tr!(
                        lab.lang_now(),
                        "notice-restore-skipped",
                        count = restored.skipped
                    ),
                );
            }
        }
        Err(error) => lab.notify(
            Level::Warning,
            tr!(
                lab.lang_now(),
                "notice-storage-unavailable",
                error = error.text(lab.lang_now())
            ),
        ),
    }
}

/// Records the longest main-thread task since the page loaded, and the longest while
/// training is warm (the page must stay responsive).
fn watch_long_tasks(lab: Lab) {
    let callback = Closure::<dyn FnMut(web_sys::PerformanceObserverEntryList)>::new(
        move |list: web_sys::PerformanceObserverEntryList| {
            let warm_since = lab.perf.with_untracked(|p| p.warm_since);
            for entry in list
                .get_entries()
                .iter()
                .filter_map(|e| e.dyn_into::<web_sys::PerformanceEntry>().ok())
            {
                let duration = entry.duration();
                let warm = lab.playing.get_untracked()
                    && warm_since.is_some_and(|since| entry.start_time() >= since);
                let known = lab.long_tasks.get_untracked();
                if duration > known.longest_ms || (warm && duration > known.warm_longest_ms) {
                    lab.long_tasks.update(|t| {
                        t.longest_ms = t.longest_ms.max(duration);
                        if warm {
                            t.warm_longest_ms = t.warm_longest_ms.max(duration);
                        }
                    });
                }
            }
        },
    );
    let Ok(observer) = web_sys::PerformanceObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    // `buffered`: the tasks before this observer existed (loading the page's wasm) count.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"longtask".into());
    let _ = js_sys::Reflect::set(&options, &"buffered".into(), &JsValue::TRUE);
    observer.observe(options.unchecked_ref());
    callback.forget();
}

#[component]
fn DeviceBadge(lab: Lab) -> impl IntoView {
    let text = move || {
        lab.device
            .with(|d| protocol::badge_text(lab.lang(), d.as_ref()))
    };
    // The tooltip has the measured numbers; `data-choice-reason` stays English (tests read it).
    let title = move || {
        lab.device
            .with(|d| d.as_ref().map(|d| d.describe_reason(lab.lang())))
            .unwrap_or_default()
    };
    let kind = move || {
        lab.device
            .get()
            .map_or_else(|| "pending".to_owned(), |d| d.backend)
    };
    let reason = move || lab.device.get().map(|d| d.reason).unwrap_or_default();
    view! {
        <div id="device" class="device" data-backend=kind data-choice-reason=reason title=title>
            {text}
        </div>
    }
}

#[component]
fn Notices(lab: Lab) -> impl IntoView {
    view! {
        <div id="notices" class="notices">
            <For each=move || lab.notices.get() key=|n| n.id let:notice>
                <div class=format!("notice {}", match notice.level { Level::Info => "info", Level::Warning => "warning", Level::Error => "error" }) role="status">
                    <span>{notice.text.clone()}</span>
                    <button class="dismiss" aria-label=move || tr!(lab.lang(), "page-dismiss") on:click=move |_| lab.notices.update(|n| n.retain(|x| x.id != notice.id))>"×"</button>
                </div>
            </For>
        </div>
    }
}

/// What the GPU said when it stopped, and the two ways on.
#[component]
fn GpuFault(lab: Lab, workers: StoredValue<Option<Workers>, LocalStorage>) -> impl IntoView {
    let recover = move |how: Recovery| {
        workers.with_value(|workers| {
            if let Some(workers) = workers {
                workers.recover(how);
            }
        });
    };
    view! {
        <Show when=move || lab.gpu_fault.with(Option::is_some)>
            <div id="gpu-fault" class="notice error" role="alert">
                <p>
                    {move || lab.gpu_fault.get().unwrap_or_default()}
                    " "{move || tr!(lab.lang(), "gpu-fault-paused")}
                </p>
                <button id="continue-gpu" on:click=move |_| recover(Recovery::Gpu)>{move || tr!(lab.lang(), "gpu-fault-continue-gpu")}</button>
                " "
                <button id="continue-cpu" on:click=move |_| recover(Recovery::Cpu)>{move || tr!(lab.lang(), "gpu-fault-continue-cpu")}</button>
            </div>
        </Show>
    }
}

#[component]
fn ExportPanel(lab: Lab) -> impl IntoView {
    let report = move |result: Result<(), String>| {
        if let Err(error) = result {
            lab.notify(Level::Error, error);
        }
    };
    let nothing = move || lab.notify(Level::Info, tr!(lab.lang_now(), "notice-nothing-to-export"));
    let json = move |_| match export::sweep_json(&lab) {
        Some(json) => report(export::download(
            lab.lang_now(),
            &json,
            "application/json",
            "grokking-lab-sweep.json",
        )),
        None => nothing(),
    };
    let csv = move |_| match export::csv(&lab) {
        Some(csv) => report(export::download(
            lab.lang_now(),
            &csv,
            "text/csv",
            "grokking-lab-runs.csv",
        )),
        None => nothing(),
    };
    let import = move |ev: web_sys::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            match export::read_file(lab.lang_now(), file)
                .await
                .and_then(|text| record::load(&text).map_err(|e| e.to_string()))
            {
                Ok(loaded) => import_runs(&lab, loaded).await,
                Err(error) => lab.notify(
                    Level::Error,
                    tr!(lab.lang_now(), "notice-import-failed", error = error),
                ),
            }
        });
    };
    view! {
        <fieldset class="export">
            <legend>{move || tr!(lab.lang(), "export-legend")}</legend>
            <button id="export-json" on:click=json title=move || tr!(lab.lang(), "export-json-title")>{move || tr!(lab.lang(), "export-json")}</button>
            <button id="export-csv" on:click=csv>{move || tr!(lab.lang(), "export-csv")}</button>
            <label class="button" for="import-file">{move || tr!(lab.lang(), "export-import")}</label>
            <input id="import-file" type="file" accept=".json,application/json" on:change=import hidden />
            <p class="help">{move || tr!(lab.lang(), "export-help")}</p>
        </fieldset>
    }
}

/// Adds imported runs (a CLI sweep, say), switches the lab to the setup most of them share,
/// and says which runs that setup shows and why the others are not (they are kept).
async fn import_runs(lab: &Lab, loaded: Loaded) {
    let runs = loaded.into_runs();
    if runs.is_empty() {
        lab.notify(Level::Warning, tr!(lab.lang_now(), "notice-import-empty"));
        return;
    }
    let configs: Vec<_> = runs.iter().map(|r| r.config.clone()).collect();
    let plan = import::plan(&configs);
    let count = runs.len();
    for run in runs {
        apply::save(*lab, &run, apply::Saving::Imported).await;
        lab.runs.update(|all| {
            all.insert(run.config.key(), RunEntry::from_record(run));
        });
    }
    lab.playing.set(false);
    let level = if plan.hidden.is_empty() {
        Level::Info
    } else {
        Level::Warning
    };
    lab.notify(level, plan.message(lab.lang_now(), count));
    if let Some((settings, selected)) = plan.view {
        let device = lab.settings.with_untracked(LabSettings::device);
        lab.show(settings.with_device(device), Some(selected));
    }
}

/// A chart's element id and its name in a language.
type NamedChart = (&'static str, fn(Lang) -> String);

#[component]
fn ChartExports(lab: Lab) -> impl IntoView {
    let charts: [NamedChart; 8] = [
        ("chart-phase", |l| tr!(l, "save-chart-phase")),
        ("chart-heatmap", |l| tr!(l, "save-chart-heatmap")),
        ("chart-accuracy", |l| tr!(l, "save-chart-accuracy")),
        ("chart-loss", |l| tr!(l, "save-chart-loss")),
        ("chart-norm", |l| tr!(l, "save-chart-norm")),
        ("chart-fourier", |l| tr!(l, "save-chart-fourier")),
        ("chart-answers", |l| tr!(l, "save-chart-answers")),
        ("chart-model-wise", |l| tr!(l, "save-chart-model-wise")),
    ];
    view! {
        <div class="chart-exports">
            {move || tr!(lab.lang(), "save-chart")}" "
            {charts.into_iter().map(|(id, name)| view! {
                <span class="chart-export">
                    {move || name(lab.lang())}" "
                    <button class="link" on:click=move |_| { let _ = export::download_svg(id); }>"SVG"</button>
                    <button class="link" on:click=move |_| leptos::task::spawn_local(async move { let _ = export::download_png(id).await; })>"PNG"</button>
                </span>
            }).collect_view()}
        </div>
    }
}

#[component]
fn PerfPanel(lab: Lab, wake_lock: RwSignal<WakeLock>) -> impl IntoView {
    let per_worker = move |f: fn(&WorkerPerf) -> String| {
        lab.perf
            .with(|p| p.workers.iter().map(f).collect::<Vec<_>>().join(","))
    };
    view! {
        <div id="perf" class="perf"
            data-steps=move || lab.perf.with(|p| p.total_steps)
            data-steps-per-second=move || lab.perf.with(|p| format!("{:.1}", p.steps_per_second()))
            data-run-steps-per-second=move || lab.perf.with(|p| format!("{:.1}", p.run_steps_per_second()))
            data-batch-runs=move || lab.perf.with(|p| p.batch_runs())
            data-batch-bytes=move || lab.perf.with(|p| p.batch_bytes())
            data-workers=move || lab.perf.with(|p| p.workers.len())
            data-worker-steps=move || per_worker(|w| w.steps.to_string())
            data-worker-steps-per-second=move || per_worker(|w| format!("{:.1}", w.steps_per_second))
            data-device-bytes=move || per_worker(|w| w.device_bytes.to_string())
            data-released=move || lab.perf.with(|p| p.workers.iter().map(|w| w.released).sum::<usize>())
            data-wake-lock=move || wake_lock.get().as_str()
            data-longest-task-ms=move || format!("{:.0}", lab.long_tasks.get().longest_ms)
            data-warm-longest-task-ms=move || format!("{:.0}", lab.long_tasks.get().warm_longest_ms)
            data-longest-slice-ms=move || lab.perf.with(|p| format!("{:.1}", p.longest_slice_ms))
            data-device-ready-ms=move || lab.perf.with(|p| p.device_ready_ms.map_or(String::new(), |t| format!("{t:.0}")))
            data-first-step-ms=move || lab.perf.with(|p| p.first_step_ms.map_or(String::new(), |t| format!("{t:.0}")))
            data-eta-seconds=move || lab.eta_seconds().map_or(String::new(), |t| format!("{t:.0}"))
            data-kernels-per-step=move || lab.perf.with(|p| p.kernels_per_step.map_or(String::new(), |k| format!("{k:.0}")))>
            {move || lab.perf.with(|p| {
                let lang = lab.lang();
                tr!(lang, "perf-line",
                    batch = batch_text(lang, p),
                    steps_per_second = format!("{:.0}", p.steps_per_second()),
                    run_steps_per_second = format!("{:.0}", p.run_steps_per_second()),
                    kernels = p.kernels_per_step.map_or(String::new(), |k| tr!(lang, "perf-kernels", kernels = format!("{k:.0}"))),
                    steps = p.total_steps,
                    first_step = p.first_step_ms.map_or("—".to_owned(), |t| format!("{:.1} s", t / 1000.0)),
                )
            })}
            {move || {
                let t = lab.long_tasks.get();
                tr!(lab.lang(), "perf-long-tasks",
                    warm = format!("{:.0}", t.warm_longest_ms),
                    since_loading = format!("{:.0}", t.longest_ms),
                )
            }}
        </div>
    }
}

/// "2 workers · 11 runs per batch · ≈ 38 MB on the device".
fn batch_text(lang: Lang, perf: &PerfStats) -> String {
    let workers = match perf.workers.len() {
        0 | 1 => String::new(),
        n => tr!(lang, "perf-workers", count = n),
    };
    let runs = perf.batch_runs();
    if runs == 0 {
        return tr!(lang, "perf-no-batch", workers = workers);
    }
    tr!(
        lang,
        "perf-batch",
        workers = workers,
        count = runs,
        megabytes = format!("{:.1}", perf.batch_bytes() as f64 / 1e6),
    )
}

/// The switch to the other language (it goes into the link, as `lang=`).
#[component]
fn LanguageSwitch(lab: Lab) -> impl IntoView {
    let other = move || lab.lang().other();
    view! {
        <button id="language" class="language" lang=move || other().code()
            title=move || tr!(lab.lang(), "page-language-title")
            on:click=move |_| lab.lang.set(other())>
            {move || other().name()}
        </button>
    }
}

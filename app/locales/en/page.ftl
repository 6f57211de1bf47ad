# page

# The i18n tests' own message (app/src/i18n/tests.rs).
test-runs = { $count ->
    [one] { $count } run
   *[other] { $count } runs
}

# The device choice (app/src/protocol.rs): the badge, its tooltip, the form's menu. The
# English reason must read as choice.rs and the worker word it (tests compare them).
device-preference-auto = Auto (the faster, measured)
device-preference-webgpu = WebGPU
device-preference-cpu = CPU (WebAssembly)
device-badge-choosing = choosing a device…
device-badge-webgpu = WebGPU · { $adapter }
device-badge-cpu = CPU (WebAssembly)
device-badge-detail = { $device } · { $why }
device-badge-no-webgpu = { $device } · no WebGPU
device-reason-asked-cpu = CPU (WebAssembly), as asked
device-reason-asked-webgpu = WebGPU ({ $adapter }), as asked
device-reason-not-measured = WebGPU ({ $adapter }): not measured (the page sent no batch)
device-reason-no-webgpu = CPU (WebAssembly): no WebGPU here — { $why }
device-reason-after-gpu-fault = CPU (WebAssembly): you chose to go on on the CPU after the GPU stopped
device-no-webgpu-not-offered = this browser does not offer WebGPU (try a recent Chrome or Edge)
device-no-webgpu-no-request-adapter = navigator.gpu.requestAdapter is missing
device-no-webgpu-no-promise = requestAdapter did not return a promise
device-no-webgpu-no-adapter = WebGPU is present but no GPU adapter is available (blocked, disabled, or no supported GPU)
device-no-webgpu-burn = burn could not start WebGPU ({ $error })
device-reason-measured = { $device }: { $why }
device-reason-measured-speeds = { $device }: { $why } — { $speeds }
device-cpu-workers = { $workers ->
    [one] CPU ({ $workers } worker)
   *[other] CPU ({ $workers } workers)
}
device-webgpu-adapter = WebGPU ({ $adapter })
device-gpu-name = this browser's WebGPU ({ $adapter })
device-gpu-name-software = this browser's software WebGPU ({ $adapter })
device-why-cpu-faster = { $times } faster than { $gpu }
device-why-gpu-faster = { $times } faster than the { $cpu }
device-speeds = { $faster } vs { $slower } run-steps/s measured
device-why-gpu-too-slow = { $gpu } had not finished one step in { $seconds } s; the CPU ran { $speed } run-steps/s
device-why-gpu-failed = { $gpu } failed ({ $error }); the CPU ran { $speed } run-steps/s
device-why-cpu-untimed = { $speed } run-steps/s measured; the CPU could not be timed
device-why-none-timed-software = neither could be timed in time, and { $gpu } is presumed slow
device-why-none-timed-hardware = neither could be timed in time; a hardware GPU is presumed faster

# What a training worker says (app/src/protocol.rs `Said`; the page words it).
worker-fetch-no-answer = no answer within { $seconds } s
worker-measuring = Measuring where this setup trains faster: the CPU, then WebGPU ({ $adapter }) — a few steps each, at most { $seconds } s.
worker-downloading-imdb = Downloading the IMDB reviews (1.2 MB, Maas et al. 2011)…
worker-diverged-early = Training diverged at step { $step }: try a smaller learning rate or α.
worker-malformed-batch = the page asked for a malformed batch
worker-too-big = this run needs about { $needed } of memory to train, more than this device gives a batch ({ $budget }): choose a smaller model, fewer training examples or shorter reviews
worker-download-failed = Downloading the IMDB reviews ({ $path }) failed: { $error }
worker-imdb-unusable = The IMDB reviews could not be used: { $error }
gpu-out-of-memory = The GPU ran out of memory: try fewer runs per batch (Batch runs), fewer sizes or a smaller model.
gpu-error = The GPU reported an error: { $error }
gpu-device-lost = The GPU device was lost ({ $error }).
gpu-read-failed = Reading results from the GPU failed ({ $error }).

# Training stops for good (app/src/scheduler.rs, app/src/pool/page.rs, app/src/crash.rs).
halted-worker-could-not-start = The training worker could not start ({ $error }). Finished runs are saved; reload the page to try again.
halted-other-build = This page and its training worker come from different builds of the lab (page { $page }, { $worker }): one of them is an old cached copy. Finished runs are saved; reload the page (Ctrl+Shift+R) to get one build.
halted-other-build-worker = worker { $build }
halted-other-build-unreadable = one whose messages this page cannot read
halted-worker-failed = Training stopped: a training worker failed { $times } times (last: { $error }). Finished runs are saved; reload the page to continue.
halted-crash = The lab stopped unexpectedly: { $error }. Finished runs are saved in this browser; reload the page to continue.
halted-reload = Reload

# Notices the scheduler raises (app/src/scheduler.rs).
notice-no-webgpu = WebGPU is not available ({ $reason }). Training runs on the CPU instead: slower, so prefer small setups like the “{ $tiny }” preset.
notice-training-on = Training on the { $reason }.
notice-diverged = Training N = { $size } diverged at step { $step }: try a smaller learning rate or α. The other sizes go on.
notice-try-again = { $error }. Press ▶ Train to try again.
notice-worker-restarted = A training worker stopped ({ $error }); it was restarted and its runs go on from their last evaluation.

# Keeping runs in the browser (app/src/apply.rs, app/src/store.rs).
store-save-failed = Could not save the run in this browser ({ $error }): it stays on this page until you reload it — use Export to keep it.
store-import-save-failed = Could not keep an imported run in this browser ({ $error }): it stays on this page until you reload it.
store-forget-failed = Could not forget the saved runs: { $error }
store-full = the browser's storage for this site is full
store-aborted = the browser aborted the write
store-unknown-error = unknown IndexedDB error
store-no-window = no window
store-unavailable = IndexedDB is not available
store-disabled = IndexedDB is disabled in this browser
store-cannot-open = cannot open the lab's database
store-not-opened = the database did not open
store-cannot-use = cannot use the runs store
store-cannot-write = cannot write the run
store-cannot-delete = cannot delete a run
store-cannot-read = cannot read the runs

# Downloads and reading an imported file (app/src/export.rs).
export-download-failed = download failed: { $error }
export-file-too-large = the file is { $size } MB; the lab imports results files up to { $limit } MB. Analyse it with `grokking analyze`, or import a sweep with fewer runs
export-cannot-read = cannot read the file: { $error }
export-not-text = the file is not text

# What an import shows (app/src/import.rs).
import-summary = Imported { $total } run(s); { $shown } shown (N = { $sizes }, { $seeds } seed(s) per size).
import-summary-none = Imported { $total } run(s); none can be shown here.
import-hidden = {" "}Kept in this browser, not on the slider: { $groups }.
import-not-set = not set
import-difference = { $setting } { $value } (shown: { $shown })
import-other-setup = { $count } of another setup ({ $differences }): set those values to see them
import-other-width = { $count } of another setup ({ $differences }): on the model-wise map, or set that width to see their curves
import-other-seeds = { $count } with seed(s) { $seeds } (the lab shows up to { $max } consecutive seeds per size: here { $first }–{ $last })
import-more-sizes = { $count } at N above { $size } (the slider holds { $max } sizes)
import-untrainable = { $count } of a setup the lab cannot train ({ $error }); `grokking analyze` reads them

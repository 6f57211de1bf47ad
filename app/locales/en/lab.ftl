# The page's frame (app/src/lab.rs): header, notices it raises, export, performance line.
page-title = Grokking Lab
page-tagline = Watch a transformer cross its critical data size, trained live in your browser.
page-present = Present
page-present-leave = Leave presentation
page-present-title = Projector mode: large type, the setup hidden, the charts enlarged (key P; Escape leaves)
page-open-full-lab = Open the full lab ↗
page-dismiss = Dismiss
page-language-title = 切换到中文 / Switch the page to Chinese
notice-link-ignored = Some settings in the link could not be used and were replaced by defaults: { $list }
notice-restore-slow = Saved runs are slow to load: training starts without waiting for them.
notice-restore-skipped = { $count } saved run(s) could not be read and were skipped.
notice-storage-unavailable = Runs cannot be kept in this browser: { $error }
notice-nothing-to-export = Nothing to export yet: train at least one size.
notice-import-failed = Could not import the file: { $error }
notice-import-empty = The file holds no runs: nothing to import.
gpu-fault-paused = Training is paused. Finished runs are kept, and every size keeps its curve up to its last evaluation.
gpu-fault-continue-gpu = Continue on the GPU
gpu-fault-continue-cpu = Continue on the CPU
export-legend = Share & keep
export-json = Export JSON
export-json-title = All finished sizes in the run format (grokking analyze reads it)
export-csv = Export CSV
export-import = Import results…
export-help = The page address always holds the setup: copy it to share. Finished runs stay in this browser.
save-chart = Save chart:
save-chart-phase = phase diagram
save-chart-heatmap = accuracy heat map
save-chart-accuracy = accuracy
save-chart-loss = loss
save-chart-norm = weight norm
save-chart-fourier = frequencies
save-chart-answers = answer grid
save-chart-model-wise = model-wise map
perf-line = { $batch } · { $steps_per_second } steps/s ({ $run_steps_per_second } run-steps/s){ $kernels } · { $steps } steps trained · load → first step: { $first_step }
perf-kernels = {" "}· { $kernels } GPU kernels per step
perf-long-tasks = {" "}· longest main-thread task while training: { $warm } ms (since loading: { $since_loading } ms)
perf-workers = { $count } workers ·{" "}
perf-no-batch = { $workers }no batch training
perf-batch = { $workers }{ $count ->
    [one] { $count } run
   *[other] { $count } runs
} per batch · ≈ { $megabytes } MB on the device

# controls: the transport buttons, the status line, the size slider, the presets row and the
# setup form (app/src/controls.rs), the lab's own edit errors and the link's ignored values
# (app/src/settings/).

## Transport

controls-play-title = Train every size on the slider, all at once (space)
controls-train = ▶ Train
controls-pause = ❚❚ Pause
controls-step-title = Train every size one evaluation interval, then pause
controls-step = Step
controls-reset-title = Forget the runs of this setup and start over
controls-reset = Reset

## Presets row (the preset's own words are the core's: setting-…, preset-… in zh/table.ftl)

controls-preset-title = { $description } (key { $key })

## Status line (pieces joined by " · ")

status-worker-speed = worker { $number }: { $speed }
status-waiting = { $count } waiting
status-left = { $time } left
status-preset-fits = the “{ $preset }” preset fits a lesson ({ $time })
status-estimate = { $time } to train every size on this device
status-compiling = compiling kernels and taking the first steps… { $seconds } s
status-training-together = training { $runs } runs together: step { $step } / { $steps } · { $speed } steps/s{ $workers } ({ $run_speed } run-steps/s)
status-training = training: step { $step } / { $steps } · { $speed } steps/s
status-all-trained = all sizes are trained
status-starting = starting…
status-paused = paused

## Size slider

slider-label = Training-set size
slider-keys = Keys: space ▶/❚❚ · ← → size · 1–6 presets · P present
slider-noun-pair = pair
slider-noun-review = review
slider-state-trained = trained
slider-state-training = training…
slider-state-waiting = waiting for the device
slider-state-press-train = press ▶ Train
slider-state-diverged = diverged at step { $step }
slider-state-failed = failed: { $error }
slider-state-not-trained = not trained
slider-describe = N = { $n } training examples ({ $percent }% of the { $pool }-{ $noun } pool) — { $state }

## Setup form (the core's settings: setting-…, choice-… in zh/table.ftl)

form-legend = Setup
form-sizes-label = Sizes on the slider
form-sizes-help = e.g. 600:1600:200 or 500,800,1200 (at most { $max }).
form-seeds-label = Seeds per size
form-seeds-help = 1 to { $max }. Each size trains with the seed below and the next ones; the phase diagram shows their mean and spread.
form-batch-runs-label = Runs per batch
form-batch-runs-help = “auto”: every size trains at once, as many as the device holds; 1 to { $max } caps a batch (1 = one size at a time). The runs are the same either way.
form-workers-label = Training workers
form-workers-help = Web Workers that train, off the page's thread. “auto”: one on a GPU; on the CPU one per core the page leaves free. 1 to { $max }: that many (on the CPU each takes a core).
form-device-label = Device
form-device-help = “auto”: a few steps of the first batch are timed on WebGPU and on the CPU, and the faster trains (software GPUs such as SwiftShader are often slower than the CPU). “webgpu” or “cpu”: that one, unmeasured. WebGPU fuses kernels (fewer GPU dispatches per step).
form-group-task = Task and data
form-group-model = Model
form-group-grokking = Grokking configuration
form-group-optimizer = Optimizer (AdamW)
form-group-training = Training
# A field's help after the values it takes: "0.01 … 100. Every parameter × α…"
form-help-with-range = { $range }. { $help }
# A number or the word that leaves it unset (full batch, all test reviews).
form-range-or = { $min } … { $max }, or { $none }
form-none-full = full
form-none-all = all

## The lab's own edit errors (app/src/settings/mod.rs: EditError)

form-error-too-many-sizes = at most { $max } sizes, got { $count }
form-error-auto-or-number = a whole number from 1 to { $max }, or “auto”; got { $text }
form-error-seeds = a whole number from 1 to { $max }; got { $text }
form-error-device = “auto”, “webgpu” or “cpu”; got { $text }

## What a link held that could not be used (app/src/settings/url.rs)

form-link-no-such-preset = no such preset
form-link-present = present=1 opens the projector mode, present=0 does not
form-link-embed = embed=1 shows the lab for a frame, embed=0 does not
form-link-callouts = callouts=0 turns the live callouts off, callouts=1 on
form-link-tour = tour=1 starts the guided tour, tour=0 does not
form-link-preset-is-for-imdb = the “{ $preset }” preset is for IMDB
form-link-preset-is-for-modular = the “{ $preset }” preset is for modular arithmetic
form-link-not-a-whole-number = not a whole number
form-link-lang = the lab speaks English (en) and Chinese (zh)
form-link-fallback = { $error }; using the “{ $preset }” preset

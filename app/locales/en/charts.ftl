# charts
# Shared by the charts (app/src/charts/*.rs).
chart-list-separator = {", "}
chart-axis-size = training-set size N

# Regimes and their markers (charts/regime.rs).
chart-shape-triangle = triangle
chart-shape-diamond = diamond
chart-shape-circle = circle
chart-shape-square = square
chart-shape-cross = cross

# The phase diagram (charts/phase.rs).
chart-phase-title = Phase diagram
chart-phase-axis-accuracy = final test accuracy
chart-phase-legend-steps = ■ steps to generalize
chart-phase-reference-caption-first = faint: the CLI's sweep of N ≤ { $size } — hover for its command
chart-phase-reference-caption = faint: the CLI's sweep (docs/results) — hover for its command
chart-phase-hover-size = N = { $size } ({ $share }% of the pool)
chart-phase-hover-accuracy-spread = test accuracy: { $accuracy } ({ $seeds } seeds: { $low }–{ $high })
chart-phase-hover-accuracy = test accuracy: { $accuracy }
chart-phase-hover-accuracy-none = test accuracy: —
chart-phase-hover-steps = steps to generalize: { $steps }
chart-phase-hover-regime = regime: { $regime }
chart-phase-hover-training = training…
chart-phase-describe = Phase diagram: final test accuracy against training-set size. { $analysed } of { $total } sizes analysed: { $sizes }; { $cds }.
chart-phase-describe-none = Phase diagram: final test accuracy against training-set size. { $analysed } of { $total } sizes analysed; { $cds }.
chart-phase-describe-separator = {"; "}
chart-phase-describe-size = N { $size }: { $regime } ({ $shape }), test accuracy { $accuracy }
chart-phase-describe-no-cds = no critical data size yet
chart-phase-describe-cds = critical data size about { $size }
chart-phase-describe-reference = {" "}Reference measured by the CLI ({ $count } sizes): { $peak }; { $cds }.
chart-phase-describe-no-peak = no peak of steps to generalize beyond the seeds' spread
chart-phase-describe-peak = steps to generalize peak at N = { $size }
chart-phase-describe-reference-no-cds = no CDS
chart-phase-describe-reference-cds = CDS about { $size }

# The curves (charts/curves.rs, charts/line.rs).
chart-accuracy-title = Accuracy
chart-loss-title = Loss (cross-entropy, log scale)
chart-norm-title = Weight norm
chart-series-train-acc = train acc
chart-series-test-acc = test acc
chart-series-train-loss = train loss
chart-series-test-loss = test loss
chart-series-weight-norm = ‖w‖₂
chart-series-reference = { $name } (CLI)
chart-moment-memorized = memorized
chart-moment-generalized = generalized
chart-moment-classified = classified
chart-callouts-switch = Callouts: what happened, and when
chart-line-axis-step = optimizer step (log scale)
chart-line-readout-step = step { $step }
chart-line-readout-value = { $name }: { $value }
chart-line-describe = { $title }: { $latest }
chart-line-describe-empty = { $title }: nothing trained yet at this size
chart-line-describe-latest = { $name } { $value } at step { $step }

# The accuracy heat map (charts/heatmap.rs).
chart-heatmap-title = Test accuracy: step × N
chart-heatmap-reference-note = faint rows: the CLI's reference sweep
chart-heatmap-empty = Press Train: each size's test accuracy fills a row, step by step.
chart-heatmap-axis-step = training step
chart-heatmap-from-live = trained here
chart-heatmap-from-reference = CLI reference
chart-heatmap-hover = N = { $size } · step { $step }: test { $accuracy } ({ $source })
chart-heatmap-describe-empty = Accuracy heat map: nothing trained or measured for this setup yet.
chart-heatmap-describe = Accuracy heat map: test accuracy over the first { $steps } steps for { $sizes } sizes ({ $live } trained here, { $reference } from the CLI's reference sweep); latest: { $latest }.

# What it learned (charts/learned.rs).
chart-fourier-title = What it learned: Fourier frequencies
chart-fourier-empty = Train this size to see its embedding's frequencies.
chart-fourier-bar = frequency k = { $k }: { $percent }% of the embedding's power
chart-fourier-bar-key = frequency k = { $k }: { $percent }% of the embedding's power — a key frequency
chart-fourier-no-keys = spread over every frequency: no key frequencies yet
chart-fourier-keys = key frequencies { $keys } hold { $percent }% of the power
chart-fourier-summary = step { $step }: { $summary }
chart-fourier-even = even spread
chart-fourier-axis = frequency k of the token embedding (cos and sin of 2πka/p)
chart-fourier-describe = Fourier spectrum of the token embedding at step { $step }: { $keys }
chart-fourier-describe-empty = Fourier spectrum of the token embedding: nothing trained at this size yet
chart-fourier-describe-no-keys = no key frequencies
chart-fourier-describe-keys = key frequencies { $keys }
chart-answers-title = What it learned: the answer grid a ∘ b
chart-answers-empty = Train this size to see which pairs it answers.
chart-answers-train-right = training pair, right
chart-answers-train-wrong = training pair, wrong
chart-answers-test-right = test pair, right
chart-answers-test-wrong = test pair, wrong
chart-answers-unused = not in either set
chart-answers-legend = { $cell }: { $count }
chart-answers-summary = step { $step }: { $train }% of training pairs, { $test }% of test pairs right
chart-answers-axes = row a, column b (0 … { $last })
chart-answers-describe = Answer grid at step { $step }: { $train_right } of { $train } training pairs and { $test_right } of { $test } test pairs answered correctly
chart-answers-describe-empty = Answer grid: nothing trained at this size yet

# The model-wise map (charts/model_map.rs).
chart-map-title = Model-wise: width × training size
chart-map-empty = Train other widths below, or import a CLI sweep with --d-models.
chart-map-tip = d_model { $width } · N { $size }: best test accuracy { $accuracy } ({ $regime }, { $runs } run(s))
chart-map-tip-cds = {" "}— the critical data size of this width
chart-map-tip-reference = {" "}— measured by the CLI (reference)
chart-map-row = d { $width }
chart-map-cds = CDS { $size }
chart-map-no-cds = no CDS
chart-map-range = colour: best test accuracy { $low } (dark) → { $high } (light)
chart-map-range-reference = {" "}· faint: the CLI's reference sweep
chart-map-describe = Model-wise map: best test accuracy for { $widths } widths × { $sizes } sizes; { $list }.
chart-map-describe-empty = Model-wise map: no finished runs of this setup yet.
chart-map-describe-width = width { $width }: { $cds }
chart-map-describe-separator = {"; "}
chart-map-describe-reference = {" "}{ $count } cells from the CLI's reference sweep.
chart-map-error-number = “{ $value }” is not a whole number
chart-map-error-width = width { $width }: { $error }
chart-map-error-empty = name at least one width, e.g. 16, 32, 64
chart-map-error-too-many = at most { $count } widths
chart-map-notice-training = Training every size at each width of the map: each width trains as its own batch.
chart-map-widths-label = Widths (d_model)
chart-map-train = Train the map
chart-map-train-title = Train every size of this setup at each width

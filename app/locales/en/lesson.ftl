# lesson

## The guided tour (app/src/tour.rs, app/src/tour_view.rs)
tour-start = Guided tour
tour-start-title = Six steps: train, watch a model memorize and then grok, find the critical data size, see what it learned
tour-card-label = Guided tour
tour-progress = Step { $step } of { $steps }
tour-show-preset = Show “{ $preset }”
tour-leave = Leave the tour
tour-close = Close
tour-done-title = That was the tour
tour-done-notice = You saw the three regimes of the Data Efficiency Hypothesis on one model: too little data only memorizes, around the critical data size it groks late, plenty generalizes at once. Try another preset, or change a setting and train again.
# Why the tour trains its preset ($duration: "≈ 3 min").
tour-why-fits = “{ $preset }” takes { $duration } on this device.
tour-why-too-slow = “{ $preset }” takes { $duration } on this device; “{ $default_preset }” would take { $default_duration }.
tour-why-not-measured = “{ $preset }”: this device's speed is not measured yet, so the tour takes the smallest experiment.
# What happened at a step (shown after "✓ ").
tour-seen-shown = “{ $preset }” is on screen: N = { $smallest } … { $largest }.
tour-seen-training = Training: all { $sizes } sizes at once.
tour-seen-memorized = N = { $size } memorized at step { $step } while test accuracy was { $accuracy }.
tour-seen-grokked = N = { $size } generalized at step { $step }, { $after } steps after it memorized: it grokked.
tour-seen-critical-size = Every size finished: the critical data size here is N = { $size }.
tour-seen-no-critical-size = Every size finished, and none generalized within its steps: no critical data size here.
tour-seen-learned = You looked at what the model learned.
# The steps ($why: one of tour-why-*).
tour-preset-title = Pick an experiment
tour-preset-action = Show “{ $preset }” (the button below, or its preset button).
tour-preset-notice = { $why } It trains one small transformer per training-set size N, each on its own random N pairs.
tour-train-title = Train
tour-train-action = Press ▶ Train (or the space bar).
tour-train-notice = Every size trains at once, on this device, in this tab: nothing is precomputed.
tour-memorize-title = Memorizing
tour-memorize-action = Watch the accuracy chart of the slider's size.
tour-memorize-notice = Train accuracy (blue) climbs to 100% within a few hundred steps while test accuracy (orange) lags behind: the model has memorized its training pairs before — or without — learning the rule.
tour-grok-title = Grokking
tour-grok-action = Move the slider (or ← →) to a size whose test accuracy is still low long after train accuracy reached 100%, and wait for it to jump.
tour-grok-notice = Generalizing long after memorizing is grokking. Too few pairs never get there; many generalize as they memorize.
tour-critical-size-title = The critical data size
tour-critical-size-action = Wait for every size to finish, then read the phase diagram.
tour-critical-size-notice = Each point is a size and its regime: ▼ insufficiency (only memorizes), ◆ sufficiency (groks late), ● surplus (generalizes at once). The dashed line is the critical data size, the smallest N that generalizes; steps to generalize peak there.
tour-learned-title = What it learned
tour-learned-action = Point at the Fourier chart or the answer grid.
tour-learned-notice = A model that generalized adds numbers with a few key frequencies of cos and sin (tall bars); one that only memorized spreads its embedding over all of them, and its answer grid is right only on the pairs it saw.

## Live callouts (app/src/callouts.rs)
callout-memorized-generalizing = N = { $size } memorized at step { $step }; generalizing as it memorizes
callout-memorized-insufficiency = N = { $size } memorized at step { $step }; test accuracy { $accuracy } — insufficiency so far
callout-memorized-rising = N = { $size } memorized at step { $step }; test accuracy { $accuracy } and rising
callout-generalized-after = N = { $size } generalized at step { $step }, { $after } steps after it memorized
callout-generalized-at-once = N = { $size } generalized at step { $step }, as it memorized
callout-classified = N = { $size }: { $regime } (final test accuracy { $accuracy })

## The honest clock (app/src/clock.rs)
clock-seconds = ≈ { $seconds } s
clock-minutes = ≈ { $minutes } min
clock-hours = ≈ { $hours } h { $minutes } min

## The step scrubber (app/src/scrubber.rs)
scrubber-label = Step
scrubber-nothing = nothing to replay yet
scrubber-at = step { $step } of { $last }
scrubber-at-reference = step { $step } of { $last } (the CLI's reference run: train this size to replace it)
scrubber-latest = latest: step { $last }
scrubber-latest-reference = latest: step { $last } (the CLI's reference run: train this size to replace it)
scrubber-replay = ⟲ Replay
scrubber-replay-title = Replay this size's training from step 0
scrubber-latest-button = Latest

## Keyboard shortcuts (app/src/keys.rs)

# core: the core's error messages (src/settings.rs SettingError, src/config.rs ConfigError and
# ListError), worded by the app (app/src/settings/words.rs). The English is the core's own,
# word for word (a test compares them).

core-error-not-a-number = “{ $text }” is not a number
core-error-not-a-whole-number = “{ $text }” is not a whole number
core-error-out-of-range = must be between { $min } and { $max }, got { $text }
core-error-unknown-choice = must be one of { $choices }, got “{ $text }”
core-error-not-applicable = applies to { $scope } only
core-error-unknown-setting = no such setting
# A setting's scope, in core-error-not-applicable.
core-error-scope-every-task = every task
core-error-scope-modular = modular arithmetic
core-error-scope-imdb = IMDB

core-error-decay-too-strong = learning rate × weight decay must stay below 1 (AdamW scales every weight by 1 − lr·wd each step), got { $lr } × { $weight_decay }
core-error-setting-out-of-range = { $name } must be between { $min } and { $max }, got { $value }
core-error-heads-do-not-divide = d_model ({ $d_model }) must be divisible by the number of heads ({ $n_heads })
core-error-division-needs-prime = division mod { $modulus } needs a prime modulus (every nonzero b must be invertible)
core-error-train-size = train size must be between 1 and the training pool ({ $pool } examples for this task), got { $train_size }
core-error-eval-every = eval_every must be between 1 and the number of steps ({ $steps }), got { $eval_every }
core-error-too-many-evaluations = { $steps } steps evaluated every { $eval_every } is { $evaluations } evaluations; a run keeps at most { $max } (evaluate less often)
core-error-arch-needs-modular = the architecture { $arch } is a GPT for modular arithmetic; IMDB trains its BERT-style encoder (use pre-ln)

core-error-list-not-a-number = { $text } is not a whole number
core-error-list-bad-range = range { $text } needs start ≤ end and a step > 0
core-error-list-malformed = { $text } is neither a number nor start:end:step
core-error-list-empty = the list is empty
core-error-list-too-long = the list has more than { $max } values

# The regimes (the charts and the callouts).
regime-insufficiency = insufficiency
regime-sufficiency = sufficiency
regime-surplus = surplus
regime-undertrained = undertrained
regime-diverged = diverged

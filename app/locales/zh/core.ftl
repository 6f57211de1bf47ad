# core: the core's error messages (src/settings.rs SettingError, src/config.rs ConfigError and
# ListError), worded by the app (app/src/settings/words.rs).

core-error-not-a-number = “{ $text }”不是数字
core-error-not-a-whole-number = “{ $text }”不是整数
core-error-out-of-range = 须在 { $min } 到 { $max } 之间，输入的是 { $text }
core-error-unknown-choice = 须为 { $choices } 之一，输入的是“{ $text }”
core-error-not-applicable = 只适用于{ $scope }
core-error-unknown-setting = 没有这个设置
core-error-scope-every-task = 所有任务
core-error-scope-modular = 取模运算任务
core-error-scope-imdb = IMDB 任务

core-error-decay-too-strong = 学习率 × 权重衰减须小于 1（AdamW 每步把每个权重乘以 1 − 学习率 × 权重衰减），当前为 { $lr } × { $weight_decay }
core-error-setting-out-of-range = { $name }须在 { $min } 到 { $max } 之间，当前为 { $value }
core-error-heads-do-not-divide = 模型宽度（{ $d_model }）须能被注意力头数（{ $n_heads }）整除
core-error-division-needs-prime = 模 { $modulus } 的除法要求模数为素数（每个非零的 b 都须可逆）
core-error-train-size = 训练集大小须在 1 到训练池大小（此任务共 { $pool } 个样本）之间，当前为 { $train_size }
core-error-eval-every = 评估间隔须在 1 到步数（{ $steps }）之间，当前为 { $eval_every }
core-error-too-many-evaluations = { $steps } 步、每 { $eval_every } 步评估一次，共 { $evaluations } 次评估；一次训练最多保留 { $max } 次（请降低评估频率）
core-error-arch-needs-modular = 架构 { $arch } 是用于取模运算的 GPT；IMDB 训练的是 BERT 式编码器（请用 pre-ln）

core-error-list-not-a-number = { $text } 不是整数
core-error-list-bad-range = 范围 { $text } 须满足起点 ≤ 终点且步长 > 0
core-error-list-malformed = { $text } 既不是数字，也不是“起点:终点:步长”
core-error-list-empty = 列表为空
core-error-list-too-long = 列表中的值超过 { $max } 个

# The regimes (the charts and the callouts).
regime-insufficiency = 数据不足
regime-sufficiency = 数据充足
regime-surplus = 数据过剩
regime-undertrained = 训练不足
regime-diverged = 发散

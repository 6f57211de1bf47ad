# lesson

## The guided tour (app/src/tour.rs, app/src/tour_view.rs)
tour-start = 导览
tour-start-title = 六步：训练，看模型先记忆、再顿悟，找出临界数据量，看它学到了什么
tour-card-label = 导览
tour-progress = 第 { $step } 步，共 { $steps } 步
tour-show-preset = 显示“{ $preset }”
tour-leave = 退出导览
tour-close = 关闭
tour-done-title = 导览结束
tour-done-notice = 你在同一个模型上看到了数据效率假说的三个区间：数据太少只会记忆，临界数据量附近迟迟才顿悟，数据充裕则立即泛化。换一个预设试试，或改一项设置再训练一次。
# Why the tour trains its preset ($duration: "≈ 3 分钟").
tour-why-fits = “{ $preset }”在本设备上需要 { $duration }。
tour-why-too-slow = “{ $preset }”在本设备上需要 { $duration }；“{ $default_preset }”则需要 { $default_duration }。
tour-why-not-measured = “{ $preset }”：尚未测出本设备的速度，所以导览选用最小的实验。
# What happened at a step (shown after "✓ ").
tour-seen-shown = 已显示“{ $preset }”：N = { $smallest } … { $largest }。
tour-seen-training = 训练中：全部 { $sizes } 个训练集大小同时训练。
tour-seen-memorized = N = { $size } 在第 { $step } 步完成记忆，此时测试准确率为 { $accuracy }。
tour-seen-grokked = N = { $size } 在第 { $step } 步泛化，比记忆晚了 { $after } 步：它顿悟了。
tour-seen-critical-size = 所有训练集大小都已训练完：这里的临界数据量是 N = { $size }。
tour-seen-no-critical-size = 所有训练集大小都已训练完，但没有一个在规定步数内泛化：这里没有临界数据量。
tour-seen-learned = 你已看过模型学到了什么。
# The steps ($why: one of tour-why-*).
tour-preset-title = 选择实验
tour-preset-action = 显示“{ $preset }”（点下方按钮，或它的预设按钮）。
tour-preset-notice = { $why }每个训练集大小 N 训练一个小型 Transformer，各自使用随机抽取的 N 个数对。
tour-train-title = 训练
tour-train-action = 按 ▶ 训练（或空格键）。
tour-train-notice = 所有训练集大小同时在本设备、本标签页中训练：没有任何预先算好的结果。
tour-memorize-title = 记忆
tour-memorize-action = 观察滑块所选训练集大小的准确率图。
tour-memorize-notice = 训练准确率（蓝色）在几百步内升到 100%，测试准确率（橙色）却远远落后：模型在学会规则之前（甚至根本没学会）就已记住了训练数对。
tour-grok-title = 顿悟
tour-grok-action = 拖动滑块（或按 ← →），选一个训练准确率早已达到 100%、测试准确率却仍很低的训练集大小，等它跃升。
tour-grok-notice = 记忆之后很久才泛化，就是顿悟。数对太少永远到不了这一步；数对很多则边记忆边泛化。
tour-critical-size-title = 临界数据量
tour-critical-size-action = 等所有训练集大小训练完，再看相图。
tour-critical-size-notice = 每个点是一个训练集大小及其区间：▼ 数据不足（只记忆），◆ 数据充足（迟来的顿悟），● 数据过剩（立即泛化）。虚线是临界数据量，即能够泛化的最小 N；泛化所需步数在此达到峰值。
tour-learned-title = 模型学到了什么
tour-learned-action = 把指针移到傅里叶图或答案网格上。
tour-learned-notice = 泛化了的模型靠少数几个 cos 和 sin 的关键频率做加法（高柱）；只会记忆的模型则把嵌入分散到所有频率上，它的答案网格只在见过的数对上正确。

## Live callouts (app/src/callouts.rs)
callout-memorized-generalizing = N = { $size } 在第 { $step } 步完成记忆；边记忆边泛化
callout-memorized-insufficiency = N = { $size } 在第 { $step } 步完成记忆；测试准确率 { $accuracy }，目前属于数据不足
callout-memorized-rising = N = { $size } 在第 { $step } 步完成记忆；测试准确率 { $accuracy }，仍在上升
callout-generalized-after = N = { $size } 在第 { $step } 步泛化，比记忆晚了 { $after } 步
callout-generalized-at-once = N = { $size } 在第 { $step } 步泛化，与记忆同时
callout-classified = N = { $size }：{ $regime }（最终测试准确率 { $accuracy }）

## The honest clock (app/src/clock.rs)
clock-seconds = ≈ { $seconds } 秒
clock-minutes = ≈ { $minutes } 分钟
clock-hours = ≈ { $hours } 小时 { $minutes } 分钟

## The step scrubber (app/src/scrubber.rs)
scrubber-label = 步数
scrubber-nothing = 还没有可重放的内容
scrubber-at = 第 { $step } 步 / 共 { $last } 步
scrubber-at-reference = 第 { $step } 步 / 共 { $last } 步（CLI 的参考运行：训练这个大小即可替换它）
scrubber-latest = 最新：第 { $last } 步
scrubber-latest-reference = 最新：第 { $last } 步（CLI 的参考运行：训练这个大小即可替换它）
scrubber-replay = ⟲ 重放
scrubber-replay-title = 从第 0 步重放这个大小的训练过程
scrubber-latest-button = 最新

## Keyboard shortcuts (app/src/keys.rs)

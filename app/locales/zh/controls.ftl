# controls: the transport buttons, the status line, the size slider, the presets row and the
# setup form (app/src/controls.rs), the lab's own edit errors and the link's ignored values
# (app/src/settings/).

## Transport

controls-play-title = 同时训练滑块上的所有大小（空格键）
controls-train = ▶ 训练
controls-pause = ❚❚ 暂停
controls-step-title = 每个大小训练一个评估间隔，然后暂停
controls-step = 单步
controls-reset-title = 清除此设置的所有训练，从头开始
controls-reset = 重置

## Presets row

controls-preset-title = { $description }（按键 { $key }）

## Status line

status-worker-speed = 工作线程 { $number }：{ $speed }
status-waiting = { $count } 个排队中
status-left = 还剩 { $time }
status-preset-fits = “{ $preset }”预设适合一节课（{ $time }）
status-estimate = 在本设备上训练所有大小需 { $time }
status-compiling = 正在编译内核并迈出最初几步… { $seconds } s
status-training-together = 同时进行 { $runs } 次训练：第 { $step } / { $steps } 步 · { $speed } 步/秒{ $workers }（合计 { $run_speed } 步/秒）
status-training = 训练中：第 { $step } / { $steps } 步 · { $speed } 步/秒
status-all-trained = 所有大小都已训练完
status-starting = 正在开始…
status-paused = 已暂停

## Size slider

slider-label = 训练集大小
slider-keys = 按键：空格 ▶/❚❚ · ← → 大小 · 1–6 预设 · P 投影模式
slider-noun-pair = 个数对
slider-noun-review = 条评论
slider-state-trained = 已训练
slider-state-training = 训练中…
slider-state-waiting = 等待设备
slider-state-press-train = 按 ▶ 训练
slider-state-diverged = 在第 { $step } 步发散
slider-state-failed = 失败：{ $error }
slider-state-not-trained = 未训练
slider-describe = N = { $n } 个训练样本（训练池共 { $pool } { $noun }，占 { $percent }%）— { $state }

## Setup form

form-legend = 实验设置
form-sizes-label = 滑块上的大小
form-sizes-help = 例如 600:1600:200 或 500,800,1200（最多 { $max } 个）。
form-seeds-label = 每个大小的种子数
form-seeds-help = 1 到 { $max }。每个大小依次用下方的随机种子及其后的种子训练；相图显示它们的均值和离散范围。
form-batch-runs-label = 每批训练数
form-batch-runs-help = 自动（留空）：所有大小同时训练，设备能容纳多少就放多少；1 到 { $max } 限定每批的数量（1 = 一次一个大小）。两种方式训练出的结果相同。
form-workers-label = 训练工作线程
form-workers-help = 在页面主线程之外训练的后台线程。自动（留空）：GPU 上用一个；CPU 上页面空出的每个核心各一个。1 到 { $max }：就用这么多（CPU 上每个占一个核心）。
form-device-label = 设备
form-device-help = 自动：先在 WebGPU 和 CPU 上分别计时第一批的几步，再用较快的那个训练（软件模拟的 GPU 常常比 CPU 还慢）。WebGPU 或 CPU：直接使用，不计时。WebGPU 会融合内核（每步更少的 GPU 调度）。
form-group-task = 任务与数据
form-group-model = 模型
form-group-grokking = 顿悟设置
form-group-optimizer = 优化器（AdamW）
form-group-training = 训练
form-help-with-range = { $range }。{ $help }
# The field also takes 0 for the unset value; Chinese says what it means rather than the English word.
form-range-or = { $min } … { $max }，或 0 表示{ $none }
form-none-full = 整个训练集
form-none-all = 全部测试评论

## The lab's own edit errors

form-error-too-many-sizes = 最多 { $max } 个大小，输入了 { $count } 个
form-error-auto-or-number = 须为 1 到 { $max } 的整数，或 auto（自动）；输入的是 { $text }
form-error-seeds = 须为 1 到 { $max } 的整数；输入的是 { $text }
form-error-device = 须为 auto、webgpu 或 cpu；输入的是 { $text }

## What a link held that could not be used

form-link-no-such-preset = 没有这个预设
form-link-present = present=1 打开投影模式，present=0 不打开
form-link-embed = embed=1 以嵌入框架的形式显示实验室，embed=0 不这样显示
form-link-callouts = callouts=0 关闭实时提示，callouts=1 打开
form-link-tour = tour=1 开始导览，tour=0 不开始
form-link-preset-is-for-imdb = “{ $preset }”预设用于 IMDB
form-link-preset-is-for-modular = “{ $preset }”预设用于取模运算
form-link-not-a-whole-number = 不是整数
form-link-lang = 本实验室只支持英文（en）和中文（zh）
form-link-fallback = { $error }；改用“{ $preset }”预设

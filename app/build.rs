//! The build id page and worker compare on their first message (`protocol::BUILD_ID`): a
//! hash of every source both are compiled from, so two builds that could misread each
//! other's messages never share one, and a rebuild of the same sources keeps it.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for dir in [root.join("src"), root.join("../src")] {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files = Vec::new();
        collect(&dir, &mut files);
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap_or_default();
            for byte in file
                .strip_prefix(root)
                .unwrap_or(&file)
                .to_string_lossy()
                .bytes()
                .chain(bytes)
            {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    println!(
        "cargo:rustc-env=GROKKING_BUILD_ID={}-{hash:016x}",
        env!("CARGO_PKG_VERSION")
    );
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

//! Installing and locating the tools the project builds with.

use std::path::{Path, PathBuf};
use std::process::Command;

/// trunk's newest release needs a newer rustc than 1.95; 0.21.14 is proven here.
const TRUNK_VERSION: &str = "0.21.14";
/// The npm project holding wasm-opt (binaryen 132: Debian's 108 emits wasm that fails in
/// the browser) and the browser-test driver (playwright-core, never its browser download).
const NPM_PROJECT: &str = "tests/e2e";

pub struct Tools {
    /// Prepended to PATH for every command: locally installed tools come first.
    path: String,
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}").replace('"', "");
    println!("xtask: $ {shown}");
    let started = std::time::Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    // CI's log is the only record of where its minutes go.
    let what: Vec<_> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy())
        .collect();
    println!(
        "xtask: {:.0} s for {}",
        started.elapsed().as_secs_f64(),
        what.join(" ")
    );
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn output(program: &str, args: &[&str], path: &str) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .env("PATH", path)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

impl Tools {
    /// The environment for native work: cargo alone, nothing to install.
    pub fn native() -> Self {
        Self {
            path: std::env::var("PATH").unwrap_or_default(),
        }
    }

    /// Installs whatever the web build and the browser tests are missing, then returns the
    /// environment to run in.
    pub fn ensure() -> Result<Self, String> {
        let tools = Self::ensure_build()?;
        tools.ensure_chromium()?;
        Ok(tools)
    }

    /// Installs what building the site needs (no browser: a static host's build machine,
    /// e.g. the GitHub Pages workflow, has no use for one).
    pub fn ensure_build() -> Result<Self, String> {
        let local_bin = root().join(NPM_PROJECT).join("node_modules/.bin");
        let cargo_bin = std::env::var("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
            })
            .join("bin");
        let path = format!(
            "{}:{}:{}",
            local_bin.display(),
            cargo_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let tools = Self { path };
        tools.ensure_wasm_target()?;
        tools.ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
        let bindgen = wasm_bindgen_version()?;
        tools.ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &bindgen, &[])?;
        tools.ensure_npm_packages()?;
        Ok(tools)
    }

    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", &self.path).current_dir(root());
        command
    }

    fn ensure_wasm_target(&self) -> Result<(), String> {
        let installed =
            output("rustup", &["target", "list", "--installed"], &self.path).unwrap_or_default();
        if installed.lines().any(|t| t == "wasm32-unknown-unknown") {
            return Ok(());
        }
        run(self
            .command("rustup")
            .args(["target", "add", "wasm32-unknown-unknown"]))
    }

    fn ensure_cargo_tool(
        &self,
        binary: &str,
        package: &str,
        version: &str,
        extra: &[&str],
    ) -> Result<(), String> {
        let found = output(binary, &["--version"], &self.path).unwrap_or_default();
        if found.split_whitespace().nth(1) == Some(version) {
            return Ok(());
        }
        println!("xtask: installing {package} {version} (found: {found:?})");
        // Without trunk's own fat LTO and single codegen unit: its install took 331 s
        // instead of 442 s on two cores (measured 2026-12-05, docs/ci.md); a build tool
        // does not need them.
        run(self
            .command("cargo")
            .args(["install", package, "--version", &format!("={version}")])
            .args(extra)
            .env("CARGO_PROFILE_RELEASE_LTO", "off")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"))
    }

    fn ensure_npm_packages(&self) -> Result<(), String> {
        let found = output("wasm-opt", &["--version"], &self.path).unwrap_or_default();
        let driver = root()
            .join(NPM_PROJECT)
            .join("node_modules/playwright-core/package.json");
        if found.contains("version_132") && driver.exists() {
            return Ok(());
        }
        ensure_node(&self.path)?;
        run(self
            .command("npm")
            .current_dir(root().join(NPM_PROJECT))
            .args(["ci", "--no-audit", "--no-fund"])
            // playwright-core never downloads a browser; make that explicit.
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
    }

    /// Debian's Chromium and ChromeDriver: the browser tests' only browser.
    fn ensure_chromium(&self) -> Result<(), String> {
        let present = |p: &str| Path::new(p).exists();
        // A Chinese font: the browser test of `lang=zh` measures real glyphs, not boxes.
        let cjk_font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
        if present("/usr/bin/chromium") && present("/usr/bin/chromedriver") && present(cjk_font) {
            return Ok(());
        }
        apt_install(&["chromium", "chromium-driver", "fonts-wqy-zenhei"])
    }
}

/// Debian's Node.js, for npm packages (wasm-opt, the browser-test driver).
pub fn ensure_node(path: &str) -> Result<(), String> {
    if output("npm", &["--version"], path).is_some() {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    let as_root = output("id", &["-u"], "/usr/bin:/bin").as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            Command::new("env")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("env");
            sudo
        };
        command
            .args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
            .args(args);
        command
    };
    run(&mut apt(&["update", "-q"]))?;
    run(apt(&["install", "-y", "-q", "--no-install-recommends"]).args(packages))
}

/// The wasm-bindgen version pinned in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

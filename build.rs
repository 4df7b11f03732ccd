//! Build script: stamps the binary with the git revision it was built from,
//! as the `EHCSIM_GIT_REVISION` environment variable read by
//! `ehcsim::output::GIT_REVISION` (shown by `--version` and recorded in every
//! `manifest.json`).
//!
//! The value is `git rev-parse --short HEAD`, with `-dirty` appended when
//! `git status --porcelain` lists anything, or `unknown` when git or the
//! repository is unavailable (a source tarball, a crates.io download). This
//! script never fails the build: every problem degrades to `unknown`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into()));

    // Without any rerun-if-changed line cargo reruns the script whenever any
    // file of the package changes; with one it reruns only on those listed.
    println!("cargo:rerun-if-changed=build.rs");
    // The dirty flag depends on the working tree, which the files under .git
    // do not reflect until something is staged: rerun when the sources that
    // go into the binary change (the crate is rebuilt then anyway).
    for p in ["src", "Cargo.toml", "Cargo.lock"] {
        if manifest_dir.join(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(git_dir) = git(&manifest_dir, &["rev-parse", "--git-dir"]) {
        let git_dir = manifest_dir.join(git_dir);
        watch(&git_dir.join("HEAD"));
        watch(&git_dir.join("index"));
        // A commit moves the branch ref, not HEAD itself.
        if let Ok(head) = std::fs::read_to_string(git_dir.join("HEAD")) {
            if let Some(reference) = head.trim().strip_prefix("ref: ") {
                watch(&git_dir.join(reference));
            }
        }
        watch(&git_dir.join("packed-refs"));
    }

    let revision = match git(&manifest_dir, &["rev-parse", "--short", "HEAD"]) {
        Some(rev) if !rev.is_empty() => {
            match git(&manifest_dir, &["status", "--porcelain"]) {
                Some(status) if !status.is_empty() => format!("{rev}-dirty"),
                Some(_) => rev,
                // Status failed after rev-parse worked: say so rather than
                // claim a clean tree.
                None => format!("{rev}-unknown-status"),
            }
        }
        _ => "unknown".to_string(),
    };
    println!("cargo:rustc-env=EHCSIM_GIT_REVISION={revision}");
}

/// Asks cargo to rerun this script when `path` changes, if it exists.
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// Runs git in `dir`; its trimmed stdout if it ran and succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_string())
}

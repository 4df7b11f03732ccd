//! Shards and merge, through the real binary: N shards run as separate
//! processes and merged give byte for byte the files of a single run
//! (manifest.json aside); shards that do not belong together and bad
//! `--shard` values are refused with exit code 2.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn ehcsim() -> Command {
    Command::cargo_bin("ehcsim").expect("binary built")
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Two short scenarios (a variant extending the first), so the report has
/// its "what differs" section; the first is the baseline, so the run
/// compares the second with it.
fn scenarios(dir: &Path) -> Vec<PathBuf> {
    let a = dir.join("short.toml");
    fs::write(
        &a,
        "name = \"short\"\ndescription = \"A short run.\"\nbaseline = true\n[calendar]\nhorizon_weeks = 20\n",
    )
    .unwrap();
    let b = dir.join("more.toml");
    fs::write(
        &b,
        "extends = \"short.toml\"\nname = \"more\"\nbaseline = false\n[psychologists]\nfte = 12\n",
    )
    .unwrap();
    vec![a, b]
}

/// Runs `ehcsim run SCENARIOS --reps 5 --seed SEED -q --out out EXTRA` in
/// `cwd`, expecting success.
fn run_in(cwd: &Path, files: &[PathBuf], seed: &str, extra: &[&str]) {
    fs::create_dir_all(cwd).unwrap();
    let out = ehcsim()
        .current_dir(cwd)
        .arg("run")
        .args(files)
        .args([
            "--reps", "5", "--seed", seed, "-q", "--charts", "--out", "out",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

fn merge_in(cwd: &Path, shards: &[PathBuf]) -> std::process::Output {
    fs::create_dir_all(cwd).unwrap();
    ehcsim()
        .current_dir(cwd)
        .arg("merge")
        .args(shards)
        .args(["--out", "out"])
        .output()
        .unwrap()
}

/// Every file under `dir`, with its bytes, by relative path.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                v.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    v.sort();
    v
}

/// Runs shards `1..=n` of seed `seed` into `root/shards-n/K/out`.
fn shards(root: &Path, files: &[PathBuf], n: u64, seed: &str) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let cwd = root.join(format!("shards-{n}-{seed}/{k}"));
            run_in(&cwd, files, seed, &["--shard", &format!("{k}/{n}")]);
            cwd.join("out")
        })
        .collect()
}

#[test]
fn merged_shards_equal_a_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = scenarios(root);
    // The same --out as typed in every run, in different folders, so that
    // the command line the report shows is the same.
    run_in(&root.join("single"), &files, "3", &[]);
    let single = listing(&root.join("single/out"));
    let names: Vec<&str> = single.iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "weekly.csv",
        "summary.csv",
        "replications.csv",
        "monthly.csv",
        "comparison.csv",
        "costs.csv",
    ] {
        assert!(names.contains(&f), "{f} missing from {names:?}");
    }
    assert!(names.contains(&"report.html") && names.iter().any(|n| n.ends_with(".svg")));
    for n in [1, 2, 3] {
        let dirs = shards(root, &files, n, "3");
        // Given in reverse order: the order does not matter.
        let mut given = dirs.clone();
        given.reverse();
        let cwd = root.join(format!("merged-{n}"));
        let out = merge_in(&cwd, &given);
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
        let merged = listing(&cwd.join("out"));
        let strip = |v: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
            v.iter()
                .filter(|(n, _)| n != "manifest.json")
                .cloned()
                .collect()
        };
        let (a, b) = (strip(&single), strip(&merged));
        assert_eq!(
            a.iter().map(|x| &x.0).collect::<Vec<_>>(),
            b.iter().map(|x| &x.0).collect::<Vec<_>>(),
            "N = {n}: different files"
        );
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(x == y, "N = {n}: {name} differs from the single run's");
        }
        let manifest: serde_json::Value =
            serde_json::from_slice(&fs::read(cwd.join("out/manifest.json")).unwrap()).unwrap();
        assert_eq!(
            manifest["merge"]["shards"].as_array().unwrap().len() as u64,
            n
        );
        assert_eq!(manifest["master_seed"], 3);
        let verified = ehcsim()
            .args(["verify"])
            .arg(cwd.join("out"))
            .output()
            .unwrap();
        assert_eq!(verified.status.code(), Some(0), "{}", stderr_of(&verified));
    }
    // A shard holds lossless values: 16 hex digits per value.
    let line = fs::read_to_string(root.join("shards-2-3/1/out/replications.jsonl")).unwrap();
    assert!(
        line.lines().count() == 2 * 3,
        "3 of 5 replications x 2 scenarios"
    );
}

fn assert_refused(out: &std::process::Output, needles: &[&str]) {
    let err = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in: {err}");
    }
}

#[test]
fn shards_that_do_not_belong_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = scenarios(root);
    let one = shards(root, &files, 3, "1");
    let seven = shards(root, &files, 3, "7");
    let cwd = root.join("merged");
    // A different seed.
    let out = merge_in(&cwd, &[one[0].clone(), seven[1].clone(), one[2].clone()]);
    assert_refused(&out, &["shard 2 of 3", "master seed 7, the others 1"]);
    // A missing shard.
    let out = merge_in(&cwd, &one[..2]);
    assert_refused(&out, &["shard 3 of 3 is missing"]);
    // A duplicate shard.
    let out = merge_in(&cwd, &[one[0].clone(), one[1].clone(), one[1].clone()]);
    assert_refused(
        &out,
        &["shard 2 of 3 is given 2 times", "shard 3 of 3 is missing"],
    );
    // Not a shard folder.
    let out = merge_in(&cwd, &[root.to_path_buf()]);
    assert_refused(&out, &["is not a shard folder"]);
    // A changed file.
    let jsonl = one[0].join("replications.jsonl");
    let text = fs::read_to_string(&jsonl).unwrap();
    fs::write(&jsonl, text.replacen("\"seed\"", "\"seed\" ", 1)).unwrap();
    let out = merge_in(&cwd, &one);
    assert_refused(
        &out,
        &["replications.jsonl", "differs from the size or SHA-256"],
    );
    assert!(!cwd.join("out").exists(), "a refused merge wrote files");
}

#[test]
fn bad_shard_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = scenarios(dir.path());
    for (value, needle) in [
        ("0/3", "K in K/N must be from 1 to N (3), got 0"),
        ("4/3", "K in K/N must be from 1 to N (3), got 4"),
        ("x", "expected K/N"),
        ("1/0", "N in K/N must be at least 1"),
        ("6/6", "6 shards of 5 replications"),
    ] {
        let out = ehcsim()
            .arg("run")
            .arg(&files[0])
            .args(["--reps", "5", "-q", "--shard", value, "--out"])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_refused(&out, &[needle]);
    }
}

//! Writing scenarios and their description out of the registry: a scenario
//! as TOML (with comments, the `init` template), and the reference of every
//! key (`docs/parameters.md`).

use super::{scenario_params, Param, SECTIONS};
use crate::scenario::Scenario;

/// Width of comment lines.
const WIDTH: usize = 78;

/// What the template says before the first key.
const TEMPLATE_HEAD: &str = r#"# ehcsim scenario file.
#
# Every key is optional: a key left out takes the value shown here, which is
# the built-in medium English county (docs/model.md). Figures are marked
#   [S] sourced, [D] derived from sourced figures, [E] estimated (adjust these).
# Units: hours of caseworker work, calendar days for delays, shares as
# fractions from 0 to 1. Distributions (hours or days) are written as
#   a bare number                                   fixed value
#   { dist = "fixed", value = 2 }                   fixed value
#   { dist = "exponential", mean = 3 }
#   { dist = "gamma", mean = 3, cv = 0.5 }          cv = sd / mean, 0.0001 to 10
#   { dist = "lognormal", mean = 3, cv = 0.5 }
#   { dist = "triangular", min = 1, mode = 2, max = 4 }
#   { dist = "uniform", min = 1, max = 4 }
# Every key is described in docs/parameters.md.
# Run `ehcsim check FILE` to list every problem in a file with its line.

"#;

const EXTENDS_COMMENT: &str =
    "# Start from another scenario file (path relative to this file's folder) and
# change only what this file sets: tables merge key by key, arrays (such as
# [[caseworkers.groups]]) and distributions are replaced whole.
# extends = \"medium-county.toml\"
";

/// The commented template written by `ehcsim init`: every key with its
/// default, loading to exactly [`Scenario::default`] apart from the name
/// (`my-scenario`) and the description (empty).
pub(crate) fn template() -> String {
    let s = Scenario {
        name: "my-scenario".into(),
        description: String::new(),
        ..Scenario::default()
    };
    format!("{TEMPLATE_HEAD}{}", scenario_toml(&s, true))
}

/// `s` as the text of a scenario file that loads back to `s`.
pub(crate) fn scenario_toml(s: &Scenario, comments: bool) -> String {
    let params = scenario_params();
    let mut s = s.clone();
    let mut out = String::new();
    for p in params.iter().filter(|p| p.section().is_empty()) {
        inline(p, &mut s, comments, &mut out);
    }
    if comments {
        out.push_str(EXTENDS_COMMENT);
    }
    for (section, title) in SECTIONS.iter().filter(|(s, _)| !s.is_empty()) {
        out.push('\n');
        if comments {
            wrap(title, &mut out);
        }
        out.push_str(&format!("[{section}]\n"));
        let here = || params.iter().filter(|p| p.section() == *section);
        for p in here() {
            inline(p, &mut s, comments, &mut out);
        }
        for p in here() {
            blocks(p, &mut s, comments, &mut out);
        }
    }
    for p in params.iter().filter(|p| p.section().is_empty()) {
        blocks(p, &mut s, comments, &mut out);
    }
    out
}

/// One `key = value` line (or a commented example), after its comment.
fn inline<S: Clone>(p: &Param<S>, s: &mut S, comments: bool, out: &mut String) {
    let value = p.slot.toml(s);
    if p.slot.is_items() {
        if let (false, Some(v)) = (comments, value) {
            out.push_str(&format!("{} = {v}\n", p.leaf()));
        }
        return;
    }
    if comments {
        comment(p, out);
    }
    match (value, p.example) {
        (Some(v), _) => out.push_str(&format!("{} = {v}\n", p.leaf())),
        (None, Some(e)) if comments => out.push_str(&format!("# {} = {e}\n", p.leaf())),
        _ => {}
    }
}

/// A list of tables as `[[key]]` blocks, after its comment.
fn blocks<S: Clone>(p: &Param<S>, s: &mut S, comments: bool, out: &mut String) {
    if !p.slot.is_items() {
        return;
    }
    if let Some(b) = p.slot.blocks(s, p.key, comments) {
        out.push('\n');
        if comments {
            comment(p, out);
        }
        out.push_str(&b);
    }
}

/// One entry of a list of tables.
pub(crate) fn item_block<I: Clone>(
    fields: &[Param<I>],
    item: &I,
    key: &str,
    comments: bool,
) -> String {
    let mut item = item.clone();
    let mut out = format!("[[{key}]]\n");
    for p in fields {
        inline(p, &mut item, comments, &mut out);
    }
    out
}

/// The comment before a key: what it means, what is allowed, the source.
fn comment<S: Clone>(p: &Param<S>, out: &mut String) {
    let mut text = format!("{} Allowed: {}.", p.doc, p.slot.allowed());
    if !p.source.is_empty() {
        text.push(' ');
        text.push_str(p.source);
    }
    wrap(&text, out);
}

/// `text` as `# ` comment lines of at most [`WIDTH`] characters.
fn wrap(text: &str, out: &mut String) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > WIDTH && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The reference of every key, `docs/parameters.md`.
pub(crate) fn reference() -> String {
    let mut out = String::from(REFERENCE_HEAD);
    let mut d = Scenario::default();
    for (section, title) in SECTIONS {
        let here: Vec<&Param<Scenario>> = scenario_params()
            .iter()
            .filter(|p| p.section() == *section)
            .collect();
        let heading = if section.is_empty() {
            "Top level".to_string()
        } else {
            format!("`[{section}]`")
        };
        out.push_str(&format!("\n## {heading}\n\n{title}.\n\n"));
        out.push_str(TABLE_HEAD);
        for p in &here {
            let default = match p.default_note {
                Some(n) => n.to_string(),
                None => default_text(p, &mut d),
            };
            let row = [
                format!("`{}`", p.key),
                p.slot.type_name().to_string(),
                p.slot.allowed(),
                default,
                p.unit.to_string(),
                p.source.to_string(),
                p.doc.to_string(),
            ];
            push_row(&row, &mut out);
        }
        for p in here.iter().filter(|p| p.slot.is_items()) {
            out.push_str(&format!("\nEach `[[{}]]` entry:\n\n{TABLE_HEAD}", p.key));
            for f in p.slot.fields() {
                let row = [
                    format!("`{}`", f.key),
                    f.type_name.to_string(),
                    f.allowed,
                    f.default,
                    f.unit.to_string(),
                    f.source.to_string(),
                    f.doc.to_string(),
                ];
                push_row(&row, &mut out);
            }
        }
    }
    out
}

fn default_text<S: Clone>(p: &Param<S>, s: &mut S) -> String {
    if p.slot.is_items() {
        let n = p
            .slot
            .blocks(s, p.key, false)
            .map_or(0, |b| b.matches("[[").count());
        let what = if n == 1 { "entry" } else { "entries" };
        return format!("{n} {what} (as in `ehcsim init`)");
    }
    match p.slot.toml(s) {
        Some(v) => format!("`{v}`"),
        None => "(not set)".into(),
    }
}

const REFERENCE_HEAD: &str = "# Scenario parameters

Every key a scenario file may hold, generated from the parameter registry
(`src/scenario/registry/mod.rs`); do not edit by hand. After changing a
parameter, regenerate it with

```sh
EHCSIM_WRITE_DOCS=1 cargo test --lib parameters_reference
```

(a test fails while this file differs from what the code generates). Every
key is optional unless marked required; a key left out takes the default
shown, the built-in medium county of docs/model.md. Sources are marked
\\[S\\] sourced, \\[D\\] derived from sourced figures or \\[E\\] estimated.
`ehcsim init FILE` writes the same keys as a commented scenario file.

A file may also start with `extends = \"base.toml\"` (a path relative to its
folder): the base is loaded first and this file changes only what it sets
(tables merge key by key; arrays of tables and distributions are replaced
whole; `name` is never inherited).

Distributions (`distribution` below) are a bare number (a fixed value) or an
inline table: `{ dist = \"fixed\", value = 2 }`, `{ dist = \"exponential\",
mean = 3 }`, `{ dist = \"gamma\", mean = 3, cv = 0.5 }`, `{ dist =
\"lognormal\", mean = 3, cv = 0.5 }`, `{ dist = \"triangular\", min = 1, mode =
2, max = 4 }` or `{ dist = \"uniform\", min = 1, max = 4 }`. Every parameter is
finite and at most 1e9; means of exponential, gamma and lognormal at least
1e-9; cv from 0.0001 to 10; triangular needs min <= mode <= max and min <
max; uniform min <= max.

Staff who would do nothing are refused where that is certainly a mistake: a
staff group or enabled psychologists of less than 0.01 FTE, a caseworker
group that can hold no case (fte x cap below 1 for its largest post), and a
run with work in it in which no caseworker group is ever in post. A group whose dates fall wholly outside the
run while others work is allowed (a base's fixed-term posts reused for a later
run) with a warning, printed by `ehcsim check` and `ehcsim run`.
";

const TABLE_HEAD: &str = "| key | type | allowed | default | unit | source | meaning |
|---|---|---|---|---|---|---|
";

fn push_row(cells: &[String], out: &mut String) {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    out.push_str(&format!("| {} |\n", cells.join(" | ")));
}

//! `report.md`: the report's content as Markdown, the charts linked to
//! their files in `charts/` (written by `--charts`).

use super::build::{content, Block, NamedChart, Span};
use super::{ReportData, Section, CHARTS_DIR};
use std::fmt::Write as _;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            Span::Strong(t) => format!("**{t}**"),
        })
        .collect()
}

fn table(out: &mut String, t: &Section) {
    let row = |cells: &[String]| {
        format!(
            "| {} |\n",
            cells
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    out.push_str(&row(&t.header));
    out.push_str(&format!("|{}\n", "---|".repeat(t.header.len())));
    for r in &t.rows {
        out.push_str(&row(r));
    }
    out.push('\n');
}

/// The whole document. With `charts_on_disk` false the chart files were
/// not written, and the document says how to write them.
pub fn render(data: &ReportData, charts: &[NamedChart], charts_on_disk: bool) -> String {
    let mut out = String::new();
    let mut said_missing = false;
    for block in content(data, charts) {
        match block {
            Block::Heading(level, t) => {
                let _ = writeln!(out, "{} {t}\n", "#".repeat(usize::from(level)));
            }
            Block::Para(s) => {
                let _ = writeln!(out, "{}\n", spans(&s));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", spans(&item));
                }
                out.push('\n');
            }
            Block::Table(t) => table(&mut out, &t),
            Block::Chart(i) => {
                let c = &charts[i];
                if charts_on_disk {
                    let _ = writeln!(
                        out,
                        "![{alt}]({CHARTS_DIR}/{stem}.svg)\n\n{alt} ([PNG]({CHARTS_DIR}/{stem}.png))\n",
                        alt = c.alt,
                        stem = c.stem
                    );
                } else if !said_missing {
                    said_missing = true;
                    out.push_str(
                        "The chart files were not written: run again with `--charts` (or \
                         `ehcsim report DIR --charts`) to write them into `charts/`. \
                         `report.html` has every chart inline.\n\n",
                    );
                }
            }
            Block::Code(t) => {
                let _ = writeln!(out, "```sh\n{t}\n```\n");
            }
        }
    }
    out
}

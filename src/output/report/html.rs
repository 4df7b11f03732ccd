//! `report.html`: one self-contained page. The CSS is inline, the charts
//! are inline SVG, there is no script, and nothing refers to anything
//! outside the file, so it opens offline, can be e-mailed as one
//! attachment, and prints on A4 without a chart cut across pages.

use super::build::{content, Block, NamedChart, Span};
use super::{ReportData, ReportError, Section};
use std::fmt::Write as _;

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif;
       color: #222; background: #fff; max-width: 62rem; margin: 0 auto; padding: 1.5rem 2rem;
       line-height: 1.45; font-size: 16px; }
h1 { font-size: 1.9rem; margin: 0 0 .6rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
     border-bottom: 3px solid #0072b2; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; break-after: avoid; page-break-after: avoid; }
p, li { max-width: 48rem; }
ul.headlines li { margin: .35rem 0; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem;
        break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #bbb; padding: .3rem .7rem .3rem 0; text-align: left;
         vertical-align: top; }
th { border-bottom: 2px solid #444; }
td.hash { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .75rem;
          word-break: break-all; }
figure { margin: 1.2rem 0 1.6rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
svg text { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
pre { background: #f3f3f3; padding: .6rem .8rem; white-space: pre-wrap; word-break: break-all;
      font-size: .85rem; break-inside: avoid; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { margin-top: 1.2rem; }
  figure { margin: .6rem 0 1rem; }
  figure svg { border: none; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn spans(out: &mut String, spans: &[Span]) {
    for s in spans {
        match s {
            Span::Text(t) => out.push_str(&escape(t)),
            Span::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", escape(t));
            }
        }
    }
}

fn table(out: &mut String, t: &Section) {
    out.push_str("<table>\n<thead><tr>");
    for h in &t.header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            // Hashes are long unbroken words: small monospace that may wrap.
            let class = if cell.len() == 64 && cell.chars().all(|c| c.is_ascii_hexdigit()) {
                " class=\"hash\""
            } else {
                ""
            };
            // A range "1,303–1,401" breaks only at the space before it.
            let cell = escape(cell).replace('\u{2013}', "\u{2060}\u{2013}\u{2060}");
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// An SVG document made fit to sit inside HTML: no XML prolog, no
/// namespace declaration (HTML does not need one), and a text alternative.
fn inline_svg(svg: &str, alt: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", escape(alt)),
        1,
    )
}

/// The whole page.
pub fn render(data: &ReportData, charts: &[NamedChart]) -> Result<String, ReportError> {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // An empty icon, so that no browser goes looking for favicon.ico.
    out.push_str("<link rel=\"icon\" href=\"data:,\">\n");
    out.push_str("<title>EHC plan work: projections</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    for block in content(data, charts) {
        match block {
            Block::Heading(level, t) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(&t));
            }
            Block::Para(s) => {
                out.push_str("<p>");
                spans(&mut out, &s);
                out.push_str("</p>\n");
            }
            Block::List(items) => {
                out.push_str("<ul class=\"headlines\">\n");
                for item in items {
                    out.push_str("<li>");
                    spans(&mut out, &item);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => table(&mut out, &t),
            Block::Chart(i) => {
                let c = &charts[i];
                let svg = c.chart.svg()?;
                let _ = writeln!(
                    out,
                    "<figure id=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                    escape(&c.stem),
                    inline_svg(&svg, &c.alt),
                    escape(&c.alt)
                );
            }
            Block::Code(t) => {
                let _ = writeln!(out, "<pre><code>{}</code></pre>", escape(&t));
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

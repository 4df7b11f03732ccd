//! Charts for the committee pack: fan charts over time (a median line and a
//! band from the 10th to the 90th percentile) and curves of the probability
//! that the backlog has cleared by each date.
//!
//! The module draws small plain data types of its own ([`FanChart`] of
//! [`FanSeries`], [`ProbabilityChart`] of [`ProbabilityCurve`]); building
//! them from the results is the report's job (`report::charts_of`), so the
//! drawing code knows nothing of the simulation's types.
//!
//! Drawing uses `plotters` with its pure-Rust backends only: SVG text and a
//! bitmap encoded to PNG by the `png` crate. Text is measured and, in the
//! PNG, drawn with the DejaVu Sans font embedded in the binary
//! (`assets/fonts/`, Bitstream Vera licence), so no system font library is
//! used and the same inputs give byte-identical files on every machine.
//!
//! Colours are from the Okabe-Ito palette, which stays distinguishable with
//! the common forms of colour blindness; each series also has its own dash
//! pattern and marker shape so that the charts survive greyscale printing.

use chrono::{Datelike, NaiveDate};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::sync::Once;

/// The font every chart is drawn with: DejaVu Sans (see
/// `assets/fonts/DejaVuSans-LICENSE.txt`).
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Width of every chart, in pixels (SVG user units).
pub const WIDTH: u32 = 1000;
/// Height of every chart, in pixels (SVG user units).
pub const HEIGHT: u32 = 560;

/// The Okabe-Ito colours in the order series use them (yellow left out: it
/// is too pale on white).
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// Height of a row of the legend, in pixels.
const ROW: i32 = 30;
/// Dark grey for text and axes.
const INK: RGBColor = RGBColor(34, 34, 34);
/// Light grey for grid lines.
const GRID: RGBColor = RGBColor(225, 225, 225);

/// How a chart's values are written on its axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Counts of cases, plans or requests: whole numbers with thousands
    /// separators.
    Count,
    /// Shares from 0 to 1, written as percentages; the axis runs 0-100%.
    Share,
    /// Ratios such as cases per caseworker: one decimal when small.
    Ratio,
    /// Money: pounds, in millions from £0.1m.
    Pounds,
}

/// One scenario's quantity over time: median and 10th and 90th percentiles
/// across replications, one value per date.
#[derive(Debug, Clone, PartialEq)]
pub struct FanSeries {
    /// The legend text (the scenario's name).
    pub label: String,
    /// The dates of the values, increasing.
    pub dates: Vec<NaiveDate>,
    /// 10th percentiles; `NaN` where not defined (the point is skipped).
    pub p10: Vec<f64>,
    /// Medians; `NaN` where not defined.
    pub p50: Vec<f64>,
    /// 90th percentiles; `NaN` where not defined.
    pub p90: Vec<f64>,
}

/// A fan chart: one or more [`FanSeries`] on shared axes.
#[derive(Debug, Clone, PartialEq)]
pub struct FanChart {
    /// The title, in words.
    pub title: String,
    /// A line under the title (what the line and band mean).
    pub subtitle: String,
    /// The vertical axis's description, with its unit.
    pub y_label: String,
    /// How values are written.
    pub kind: ValueKind,
    /// The series, drawn in order (colour, dash and marker by position).
    pub series: Vec<FanSeries>,
    /// Colour slot of each series (so a scenario keeps its colour in its own
    /// chart and in the overlay); empty means by position.
    pub slots: Vec<usize>,
    /// The top of the vertical axis; `None` fits the data. Give several
    /// charts the same value to draw them on the same scale.
    pub y_max: Option<f64>,
    /// The dates the horizontal axis spans; `None` fits the data.
    pub x_range: Option<(NaiveDate, NaiveDate)>,
}

/// The probability, across replications, that something has happened by
/// each date (for the backlog: that it has cleared and stays cleared).
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityCurve {
    /// The legend text.
    pub label: String,
    /// The dates, increasing.
    pub dates: Vec<NaiveDate>,
    /// The probability (0 to 1) at each date, not decreasing.
    pub probability: Vec<f64>,
}

/// Probability curves on shared axes, with an optional target date.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbabilityChart {
    /// The title, in words.
    pub title: String,
    /// A line under the title.
    pub subtitle: String,
    /// The vertical axis's description.
    pub y_label: String,
    /// The curves, one per scenario.
    pub curves: Vec<ProbabilityCurve>,
    /// A date to mark with a vertical line, and its label.
    pub target: Option<(NaiveDate, String)>,
}

/// One point of a [`PointSeries`], with optional ranges drawn as error
/// bars and an optional label written beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Horizontal value.
    pub x: f64,
    /// Vertical value.
    pub y: f64,
    /// A horizontal range (low, high) through the point, if any.
    pub x_range: Option<(f64, f64)>,
    /// A vertical range (low, high) through the point, if any.
    pub y_range: Option<(f64, f64)>,
    /// Text written beside the point, if any.
    pub note: Option<String>,
}

/// Points of one kind, in one colour and marker, joined by a line if asked.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSeries {
    /// The legend text.
    pub label: String,
    /// The points, in drawing order (by `x` when joined).
    pub points: Vec<Point>,
    /// Whether a line joins the points.
    pub joined: bool,
}

/// Points on two numeric axes: the goal-seek's probability against FTE,
/// or each option's extra cost against what it buys.
#[derive(Debug, Clone, PartialEq)]
pub struct PointChart {
    /// The title, in words.
    pub title: String,
    /// A line under the title.
    pub subtitle: String,
    /// The horizontal axis's description, with its unit.
    pub x_label: String,
    /// The vertical axis's description, with its unit.
    pub y_label: String,
    /// How horizontal values are written.
    pub x_kind: ValueKind,
    /// How vertical values are written.
    pub y_kind: ValueKind,
    /// The series.
    pub series: Vec<PointSeries>,
    /// A horizontal reference line (value, label), such as the confidence
    /// a goal-seek asks for.
    pub reference: Option<(f64, String)>,
}

/// A chart of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Median lines and percentile bands.
    Fan(FanChart),
    /// Probability-by-date curves.
    Probability(ProbabilityChart),
    /// Points on two numeric axes.
    Points(PointChart),
}

/// A chart could not be drawn (a drawing backend failed).
#[derive(Debug, thiserror::Error)]
#[error("could not draw chart: {0}")]
pub struct ChartError(String);

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError(e.to_string())
}

/// Makes the embedded font the one plotters finds for `sans-serif`.
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped with the source; a
        // failure here would show as missing text, caught by the tests.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT_BYTES);
    });
}

impl Chart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> Result<String, ChartError> {
        register_font();
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, (WIDTH, HEIGHT)).into_drawing_area();
            FONT_FACTOR.with(|f| f.set(1.15));
            let drawn = self.draw(&root);
            FONT_FACTOR.with(|f| f.set(1.0));
            drawn?;
            root.present().map_err(err)?;
        }
        Ok(text)
    }

    /// The chart as PNG bytes (RGB, 8 bits per channel).
    pub fn png(&self) -> Result<Vec<u8>, ChartError> {
        register_font();
        let (w, h) = (WIDTH * PNG_SCALE, HEIGHT * PNG_SCALE);
        let mut pixels = vec![0u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            SCALE.with(|s| s.set(PNG_SCALE as i32));
            let drawn = self.draw(&root);
            SCALE.with(|s| s.set(1));
            drawn?;
            root.present().map_err(err)?;
        }
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, w, h);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Default);
            let mut writer = encoder.write_header().map_err(err)?;
            writer.write_image_data(&pixels).map_err(err)?;
            writer.finish().map_err(err)?;
        }
        Ok(out)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        root.fill(&WHITE).map_err(err)?;
        match self {
            Chart::Fan(c) => draw_fan(root, c),
            Chart::Probability(c) => draw_probability(root, c),
            Chart::Points(c) => draw_points(root, c),
        }
    }
}

/// Days since the common era, the horizontal coordinate.
fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// A date axis whose grid lines and labels fall on the first of a month:
/// every month, quarter, half year or year (aligned on April, the start of
/// the financial year), whichever keeps the labels apart.
#[derive(Debug, Clone)]
struct MonthAxis {
    start: i32,
    end: i32,
}

impl MonthAxis {
    fn new(first: NaiveDate, last: NaiveDate) -> Self {
        let (start, end) = (day(first), day(last));
        MonthAxis {
            start,
            end: end.max(start + 1),
        }
    }

    fn months(&self, step: u32) -> Vec<i32> {
        let Some(first) = NaiveDate::from_num_days_from_ce_opt(self.start) else {
            return vec![];
        };
        let mut y = first.year();
        let mut m = first.month();
        let mut out = Vec::new();
        loop {
            if let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
                let x = day(d);
                if x > self.end {
                    break;
                }
                // Months counted from April so quarters and years line up
                // with financial years.
                let from_april = (m + 12 - 4) % 12;
                if x >= self.start && from_april % step.min(12) == 0 {
                    out.push(x);
                }
            }
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        if step > 12 {
            // Every other April (or every `step / 12` years).
            let every = (step / 12) as usize;
            out = out.into_iter().step_by(every).collect();
        }
        out
    }
}

impl Ranged for MonthAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = i32;

    fn map(&self, value: &i32, limit: (i32, i32)) -> i32 {
        let span = f64::from(self.end - self.start);
        let t = f64::from(value - self.start) / span;
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<i32> {
        let max = hint.max_num_points().max(1);
        for step in [1, 3, 6, 12, 24, 60] {
            let points = self.months(step);
            if points.len() <= max {
                return points;
            }
        }
        vec![self.start]
    }

    fn range(&self) -> Range<i32> {
        self.start..self.end
    }
}

impl ValueFormatter<i32> for MonthAxis {
    fn format(value: &i32) -> String {
        NaiveDate::from_num_days_from_ce_opt(*value)
            .map(|d| d.format("%b %Y").to_string())
            .unwrap_or_default()
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

fn format_value(kind: ValueKind, v: f64) -> String {
    match kind {
        ValueKind::Count => thousands(v),
        ValueKind::Share => format!("{}%", (v * 100.0).round()),
        ValueKind::Ratio if v.abs() < 10.0 && v.fract().abs() > 1e-9 => format!("{v:.1}"),
        ValueKind::Ratio => thousands(v),
        ValueKind::Pounds if v.abs() >= 100_000.0 => {
            let m = format!("£{:.1}m", v.abs() / 1e6);
            if v < 0.0 {
                format!("-{m}")
            } else {
                m
            }
        }
        ValueKind::Pounds if v < 0.0 => format!("-£{}", thousands(-v)),
        ValueKind::Pounds => format!("£{}", thousands(v)),
    }
}

/// A round number at or above `v` (1, 2, 2.5 or 5 times a power of ten).
fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v - 1e-9 {
            return m * p;
        }
    }
    10.0 * p
}

/// The top of a fan chart's vertical axis that fits `series`.
pub fn fit_y_max(kind: ValueKind, series: &[FanSeries]) -> f64 {
    if kind == ValueKind::Share {
        return 1.0;
    }
    let top = series
        .iter()
        .flat_map(|s| s.p90.iter().chain(&s.p50))
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    nice_ceiling(top * 1.05)
}

thread_local! {
    /// Pixels per chart unit: 1 for SVG, [`PNG_SCALE`] while drawing a PNG.
    static SCALE: std::cell::Cell<i32> = const { std::cell::Cell::new(1) };
    /// Font sizes are multiplied by this: plotters writes SVG font sizes as
    /// 1/1.24 of the size asked for, so the SVG asks for more to match the
    /// PNG (and the text widths plotters measures with the embedded font).
    static FONT_FACTOR: std::cell::Cell<f64> = const { std::cell::Cell::new(1.0) };
}

/// The PNG files are drawn at this multiple of [`WIDTH`] and [`HEIGHT`],
/// for sharp printing and even letter spacing.
pub const PNG_SCALE: u32 = 2;

/// `v` chart units in pixels.
fn px(v: i32) -> i32 {
    v * SCALE.with(|s| s.get())
}

/// A stroke width of `v` chart units.
fn sw(v: u32) -> u32 {
    v * SCALE.with(|s| s.get()) as u32
}

fn font(size: f64) -> TextStyle<'static> {
    let k = f64::from(SCALE.with(|s| s.get())) * FONT_FACTOR.with(|f| f.get());
    ("sans-serif", size * k).into_font().color(&INK)
}

/// The title block, the legend strip and the plot area between them.
type Areas<DB> = (
    DrawingArea<DB, Shift>,
    DrawingArea<DB, Shift>,
    Vec<(i32, i32)>,
);

fn layout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[String],
) -> Result<Areas<DB>, ChartError> {
    let (top, rest) = root.split_vertically(px(76));
    top.draw_text(title, &font(27.0), (px(20), px(12)))
        .map_err(err)?;
    top.draw_text(
        subtitle,
        &font(17.0).color(&RGBColor(85, 85, 85)),
        (px(20), px(48)),
    )
    .map_err(err)?;
    // Legend entries laid out in rows under the plot.
    let legend_font = font(17.0);
    let mut positions = Vec::new();
    let (mut x, mut row) = (px(90), 0i32);
    for label in legend {
        let (w, _) = root.estimate_text_size(label, &legend_font).map_err(err)?;
        let width = px(56) + w as i32 + px(28);
        if x + width > px(WIDTH as i32 - 10) && x > px(90) {
            x = px(90);
            row += 1;
        }
        positions.push((x, row));
        x += width;
    }
    let rows = if legend.is_empty() { 0 } else { row + 1 };
    let legend_height = px(14 + rows * ROW);
    let (plot, strip) = rest.split_vertically(rest.dim_in_pixel().1 as i32 - legend_height);
    Ok((plot, strip, positions))
}

/// One series' line style: colour, dash pattern and marker by slot.
#[derive(Clone, Copy)]
struct Look {
    colour: RGBColor,
    slot: usize,
}

impl Look {
    fn of(slot: usize) -> Self {
        Look {
            colour: PALETTE[slot % PALETTE.len()],
            slot,
        }
    }

    /// Dash length and gap in pixels; `None` for a solid line.
    fn dash(self) -> Option<(i32, i32)> {
        match self.slot % 4 {
            0 => None,
            1 => Some((px(14), px(7))),
            2 => Some((px(3), px(5))),
            _ => Some((px(24), px(6))),
        }
    }

    fn line_style(self) -> ShapeStyle {
        self.colour.stroke_width(sw(3))
    }
}

/// Draws a polyline with `look`'s dash pattern, in any coordinate system.
fn polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    look: Look,
) -> Result<(), ChartError> {
    if points.len() < 2 {
        return Ok(());
    }
    match look.dash() {
        None => area
            .draw(&PathElement::new(points.to_vec(), look.line_style()))
            .map_err(err),
        Some((dash, gap)) => {
            for seg in dashes(points, f64::from(dash), f64::from(gap)) {
                area.draw(&PathElement::new(seg, look.line_style()))
                    .map_err(err)?;
            }
            Ok(())
        }
    }
}

/// Splits a pixel polyline into dashes of `dash` pixels separated by gaps
/// of `gap` pixels, the pattern running on across vertices.
fn dashes(points: &[(i32, i32)], dash: f64, gap: f64) -> Vec<Vec<(i32, i32)>> {
    let mut out = Vec::new();
    let mut current: Vec<(i32, i32)> = Vec::new();
    let mut on = true;
    let mut left = dash;
    for w in points.windows(2) {
        let (x0, y0) = (f64::from(w[0].0), f64::from(w[0].1));
        let (x1, y1) = (f64::from(w[1].0), f64::from(w[1].1));
        let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
        let mut at = 0.0;
        if on && current.is_empty() {
            current.push(w[0]);
        }
        while len - at > left {
            at += left;
            let p = (
                (x0 + (x1 - x0) * at / len).round() as i32,
                (y0 + (y1 - y0) * at / len).round() as i32,
            );
            if on {
                current.push(p);
                out.push(std::mem::take(&mut current));
                left = gap;
            } else {
                current.push(p);
                left = dash;
            }
            on = !on;
        }
        left -= len - at;
        if on {
            current.push(w[1]);
        }
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

/// Draws `look`'s marker centred on a pixel.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    look: Look,
) -> Result<(), ChartError> {
    let fill = look.colour.filled();
    let white = WHITE.stroke_width(sw(1));
    let (r, a, b) = (px(6), px(7), px(5));
    match look.slot % 4 {
        0 => {
            area.draw(&Circle::new((x, y), r, fill)).map_err(err)?;
            area.draw(&Circle::new((x, y), r, white)).map_err(err)
        }
        1 => {
            let pts = vec![(x, y - a), (x + a, y + b), (x - a, y + b)];
            area.draw(&Polygon::new(pts, fill)).map_err(err)
        }
        2 => area
            .draw(&Rectangle::new([(x - b, y - b), (x + b, y + b)], fill))
            .map_err(err),
        _ => {
            let pts = vec![(x, y - a), (x + a, y), (x, y + a), (x - a, y)];
            area.draw(&Polygon::new(pts, fill)).map_err(err)
        }
    }
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<MonthAxis, RangedCoordf64>>;

/// Axes, grid and labels; returns the chart context to draw series into.
fn axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    x: MonthAxis,
    y_max: f64,
    kind: ValueKind,
    y_label: &str,
) -> Result<Plot<'a, DB>, ChartError> {
    let mut chart = ChartBuilder::on(plot)
        .margin_left(px(10))
        .margin_right(px(30))
        .margin_top(px(8))
        .x_label_area_size(px(64))
        .y_label_area_size(px(100))
        .build_cartesian_2d(x, 0f64..y_max)
        .map_err(err)?;
    let y_fmt = move |v: &f64| format_value(kind, *v);
    chart
        .configure_mesh()
        .x_labels(9)
        .y_labels(7)
        .x_label_formatter(&|d: &i32| MonthAxis::format(d))
        .y_label_formatter(&y_fmt)
        .x_desc("Month and year (gridlines on the first of the month)")
        .y_desc(y_label)
        .label_style(font(16.0))
        .axis_desc_style(font(17.0))
        .bold_line_style(GRID.stroke_width(sw(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(sw(1)))
        .set_all_tick_mark_size(px(6))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The pixel of a point of the chart.
fn to_px<DB: DrawingBackend>(chart: &Plot<'_, DB>, x: i32, y: f64) -> (i32, i32) {
    chart.backend_coord(&(x, y))
}

/// The legend strip: for each label a line sample with the series' dash
/// and marker, then the text.
fn legend<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    labels: &[String],
    looks: &[Look],
    positions: &[(i32, i32)],
) -> Result<(), ChartError> {
    for ((label, look), (x, row)) in labels.iter().zip(looks).zip(positions) {
        let y = px(ROW / 2 + row * ROW);
        polyline(strip, &[(*x, y), (*x + px(48), y)], *look)?;
        marker(strip, (*x + px(24), y), *look)?;
        let style = font(17.0).pos(Pos::new(HPos::Left, VPos::Center));
        strip
            .draw_text(label, &style, (*x + px(56), y))
            .map_err(err)?;
    }
    Ok(())
}

fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
    area.draw_text("No data to chart", &font(18.0), (px(120), px(120)))
        .map_err(err)
}

fn draw_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &FanChart,
) -> Result<(), ChartError> {
    let labels: Vec<String> = c.series.iter().map(|s| s.label.clone()).collect();
    let looks: Vec<Look> = (0..c.series.len())
        .map(|i| Look::of(c.slots.get(i).copied().unwrap_or(i)))
        .collect();
    let (plot, strip, positions) = layout(root, &c.title, &c.subtitle, &labels)?;
    let dates = c.series.iter().flat_map(|s| s.dates.iter().copied());
    let range = c
        .x_range
        .or_else(|| Some((dates.clone().min()?, dates.max()?)));
    let Some((first, last)) = range else {
        return no_data(&plot);
    };
    let y_max = c.y_max.unwrap_or_else(|| fit_y_max(c.kind, &c.series));
    let chart = axes(
        &plot,
        MonthAxis::new(first, last),
        y_max,
        c.kind,
        &c.y_label,
    )?;
    // Bands first, all of them, so no band hides another's median line.
    let band_alpha = if c.series.len() > 1 { 0.16 } else { 0.28 };
    for (s, look) in c.series.iter().zip(&looks) {
        for run in defined_runs(s) {
            let mut pts: Vec<(i32, i32)> = run
                .iter()
                .map(|&i| to_px(&chart, day(s.dates[i]), s.p90[i]))
                .collect();
            pts.extend(
                run.iter()
                    .rev()
                    .map(|&i| to_px(&chart, day(s.dates[i]), s.p10[i])),
            );
            root.draw(&Polygon::new(pts, look.colour.mix(band_alpha).filled()))
                .map_err(err)?;
        }
    }
    for (s, look) in c.series.iter().zip(&looks) {
        for run in defined_runs(s) {
            // Thin edges make each band's extent readable in greyscale.
            for edge in [&s.p10, &s.p90] {
                let pts: Vec<(i32, i32)> = run
                    .iter()
                    .map(|&i| to_px(&chart, day(s.dates[i]), edge[i]))
                    .collect();
                root.draw(&PathElement::new(
                    pts,
                    look.colour.mix(0.55).stroke_width(sw(1)),
                ))
                .map_err(err)?;
            }
        }
    }
    for (k, (s, look)) in c.series.iter().zip(&looks).enumerate() {
        let n = s.dates.len();
        let every = (n / 10).max(1);
        let offset = (every * k) / c.series.len().max(1);
        for run in defined_runs(s) {
            let pts: Vec<(i32, i32)> = run
                .iter()
                .map(|&i| to_px(&chart, day(s.dates[i]), s.p50[i]))
                .collect();
            polyline(root, &pts, *look)?;
            for (&i, &p) in run.iter().zip(&pts) {
                if i % every == offset % every {
                    marker(root, p, *look)?;
                }
            }
        }
    }
    legend(&strip, &labels, &looks, &positions)
}

/// Runs of consecutive indices where all three percentiles are defined.
fn defined_runs(s: &FanSeries) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for i in 0..s.dates.len() {
        let ok = [&s.p10, &s.p50, &s.p90]
            .iter()
            .all(|v| v.get(i).is_some_and(|x| x.is_finite()));
        if ok {
            current.push(i);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn draw_probability<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &ProbabilityChart,
) -> Result<(), ChartError> {
    let labels: Vec<String> = c.curves.iter().map(|s| s.label.clone()).collect();
    let looks: Vec<Look> = (0..c.curves.len()).map(Look::of).collect();
    let (plot, strip, positions) = layout(root, &c.title, &c.subtitle, &labels)?;
    let dates = c.curves.iter().flat_map(|s| s.dates.iter().copied());
    let (Some(mut first), Some(mut last)) = (dates.clone().min(), dates.max()) else {
        return no_data(&plot);
    };
    if let Some((t, _)) = &c.target {
        first = first.min(*t);
        last = last.max(*t);
    }
    let chart = axes(
        &plot,
        MonthAxis::new(first, last),
        1.0,
        ValueKind::Share,
        &c.y_label,
    )?;
    if let Some((t, label)) = &c.target {
        let top = to_px(&chart, day(*t), 1.0);
        let bottom = to_px(&chart, day(*t), 0.0);
        let look = Look {
            colour: INK,
            slot: 1,
        };
        for seg in dashes(&[top, bottom], f64::from(px(8)), f64::from(px(6))) {
            root.draw(&PathElement::new(seg, look.colour.stroke_width(sw(2))))
                .map_err(err)?;
        }
        let style = font(17.0);
        let (w, _) = root.estimate_text_size(label, &style).map_err(err)?;
        // Label to the left of the line if it would run off the right.
        let x = if top.0 + px(8) + w as i32 > px(WIDTH as i32 - 10) {
            top.0 - px(8) - w as i32
        } else {
            top.0 + px(8)
        };
        root.draw(&Rectangle::new(
            [
                (x - px(3), top.1 + px(4)),
                (x + w as i32 + px(3), top.1 + px(24)),
            ],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(err)?;
        root.draw_text(label, &style, (x, top.1 + px(6)))
            .map_err(err)?;
    }
    for (k, (curve, look)) in c.curves.iter().zip(&looks).enumerate() {
        // A step: the probability holds until the next date.
        let mut pts = Vec::with_capacity(curve.dates.len() * 2);
        for (i, (&d, &p)) in curve.dates.iter().zip(&curve.probability).enumerate() {
            if i > 0 {
                let prev = curve.probability[i - 1];
                pts.push(to_px(&chart, day(d), prev));
            }
            pts.push(to_px(&chart, day(d), p));
        }
        pts.dedup();
        polyline(root, &pts, *look)?;
        let n = curve.dates.len();
        let every = (n / 10).max(1);
        let offset = (every * k) / c.curves.len().max(1);
        for (i, (&d, &p)) in curve.dates.iter().zip(&curve.probability).enumerate() {
            if i % every == offset % every {
                marker(root, to_px(&chart, day(d), p), *look)?;
            }
        }
    }
    legend(&strip, &labels, &looks, &positions)
}

/// A round axis span covering `lo..hi` and zero: 0 to a round ceiling, or a
/// round floor below zero where values are negative (an option that saves
/// money).
fn nice_span(kind: ValueKind, lo: f64, hi: f64) -> (f64, f64) {
    if kind == ValueKind::Share {
        return (0.0, 1.0);
    }
    // Finer steps than a fan chart's: a few points should fill the plot.
    let round_up = |v: f64| {
        let p = 10f64.powf(v.log10().floor());
        [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
            .into_iter()
            .map(|m| m * p)
            .find(|c| *c >= v - 1e-9)
            .unwrap_or(10.0 * p)
    };
    let bottom = if lo < 0.0 { -round_up(-lo * 1.05) } else { 0.0 };
    let top = if hi > 0.0 { round_up(hi * 1.05) } else { 0.0 };
    if top - bottom <= 0.0 {
        (bottom, bottom + 1.0)
    } else {
        (bottom, top)
    }
}

fn draw_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &PointChart,
) -> Result<(), ChartError> {
    let labels: Vec<String> = c.series.iter().map(|s| s.label.clone()).collect();
    let looks: Vec<Look> = (0..c.series.len()).map(Look::of).collect();
    let (plot, strip, positions) = layout(root, &c.title, &c.subtitle, &labels)?;
    let points = || c.series.iter().flat_map(|s| s.points.iter());
    if points().next().is_none() {
        return no_data(&plot);
    }
    let xs = points().flat_map(|p| {
        let (a, b) = p.x_range.unwrap_or((p.x, p.x));
        [p.x, a, b]
    });
    let ys = points().flat_map(|p| {
        let (a, b) = p.y_range.unwrap_or((p.y, p.y));
        [p.y, a, b]
    });
    let finite = |v: f64| v.is_finite();
    let (x_lo, x_hi) = xs
        .filter(|v| finite(*v))
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (y_lo, y_hi) = ys
        .chain(c.reference.iter().map(|r| r.0))
        .filter(|v| finite(*v))
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (x0, x1) = nice_span(c.x_kind, x_lo, x_hi);
    let (y0, y1) = nice_span(c.y_kind, y_lo, y_hi);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(px(10))
        .margin_right(px(30))
        .margin_top(px(8))
        .x_label_area_size(px(64))
        .y_label_area_size(px(100))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let (xk, yk) = (c.x_kind, c.y_kind);
    let x_fmt = move |v: &f64| format_value(xk, *v);
    let y_fmt = move |v: &f64| format_value(yk, *v);
    chart
        .configure_mesh()
        .x_labels(9)
        .y_labels(7)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(c.x_label.as_str())
        .y_desc(c.y_label.as_str())
        .label_style(font(16.0))
        .axis_desc_style(font(17.0))
        .bold_line_style(GRID.stroke_width(sw(1)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(sw(1)))
        .set_all_tick_mark_size(px(6))
        .draw()
        .map_err(err)?;
    let at = |x: f64, y: f64| chart.backend_coord(&(x, y));
    // Zero lines, where an axis spans both signs, so gains and losses read
    // at a glance.
    for (a, b) in [(at(x0, 0.0), at(x1, 0.0)), (at(0.0, y0), at(0.0, y1))] {
        if (y0 < 0.0 && a.1 == b.1) || (x0 < 0.0 && a.0 == b.0) {
            root.draw(&PathElement::new(vec![a, b], INK.stroke_width(sw(1))))
                .map_err(err)?;
        }
    }
    if let Some((v, label)) = &c.reference {
        let (left, right) = (at(x0, *v), at(x1, *v));
        for seg in dashes(&[left, right], f64::from(px(8)), f64::from(px(6))) {
            root.draw(&PathElement::new(seg, INK.stroke_width(sw(2))))
                .map_err(err)?;
        }
        let style = font(16.0);
        let (w, _) = root.estimate_text_size(label, &style).map_err(err)?;
        let x = right.0 - px(8) - w as i32;
        root.draw(&Rectangle::new(
            [
                (x - px(3), left.1 - px(24)),
                (x + w as i32 + px(3), left.1 - px(4)),
            ],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(err)?;
        root.draw_text(label, &style, (x, left.1 - px(22)))
            .map_err(err)?;
    }
    for (s, look) in c.series.iter().zip(&looks) {
        let bar = look.colour.stroke_width(sw(2));
        let cap = px(6);
        for p in &s.points {
            if let Some((lo, hi)) = p.y_range {
                let (a, b) = (at(p.x, lo), at(p.x, hi));
                root.draw(&PathElement::new(vec![a, b], bar)).map_err(err)?;
                for e in [a, b] {
                    root.draw(&PathElement::new(
                        vec![(e.0 - cap, e.1), (e.0 + cap, e.1)],
                        bar,
                    ))
                    .map_err(err)?;
                }
            }
            if let Some((lo, hi)) = p.x_range {
                let (a, b) = (at(lo, p.y), at(hi, p.y));
                root.draw(&PathElement::new(vec![a, b], bar)).map_err(err)?;
                for e in [a, b] {
                    root.draw(&PathElement::new(
                        vec![(e.0, e.1 - cap), (e.0, e.1 + cap)],
                        bar,
                    ))
                    .map_err(err)?;
                }
            }
        }
        if s.joined {
            let pts: Vec<(i32, i32)> = s.points.iter().map(|p| at(p.x, p.y)).collect();
            polyline(root, &pts, *look)?;
        }
        for p in &s.points {
            let centre = at(p.x, p.y);
            marker(root, centre, *look)?;
            if let Some(note) = &p.note {
                let style = font(15.0);
                let (w, _) = root.estimate_text_size(note, &style).map_err(err)?;
                // Below and right of the point (curves of goal-seek and
                // cost rise to the right, leaving that corner free), or
                // left of it near the right edge.
                let x = if centre.0 + px(12) + w as i32 > px(WIDTH as i32 - 10) {
                    centre.0 - px(12) - w as i32
                } else {
                    centre.0 + px(12)
                };
                let y = centre.1 + px(8);
                root.draw(&Rectangle::new(
                    [(x - px(3), y - px(1)), (x + w as i32 + px(3), y + px(19))],
                    WHITE.mix(0.85).filled(),
                ))
                .map_err(err)?;
                root.draw_text(note, &style, (x, y)).map_err(err)?;
            }
        }
    }
    legend(&strip, &labels, &looks, &positions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn sample() -> Chart {
        let dates: Vec<NaiveDate> = (0..100)
            .map(|w| d(2026, 4, 6) + chrono::Duration::weeks(w))
            .collect();
        let series = |label: &str, k: f64| FanSeries {
            label: label.into(),
            dates: dates.clone(),
            p10: (0..100).map(|i| k * i as f64 * 0.8).collect(),
            p50: (0..100).map(|i| k * i as f64).collect(),
            p90: (0..100).map(|i| k * i as f64 * 1.2).collect(),
        };
        Chart::Fan(FanChart {
            title: "Overdue annual reviews".into(),
            subtitle: "Line: median; band: 10th to 90th percentile".into(),
            y_label: "Plans with an overdue review".into(),
            kind: ValueKind::Count,
            series: vec![series("base", 10.0), series("more staff", 5.0)],
            slots: vec![],
            y_max: None,
            x_range: None,
        })
    }

    #[test]
    fn same_chart_gives_identical_bytes() {
        let c = sample();
        assert_eq!(c.svg().unwrap(), c.svg().unwrap());
        assert_eq!(c.png().unwrap(), c.png().unwrap());
        let svg = c.svg().unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Apr 2027"), "month labels");
        assert!(c.png().unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn month_axis_picks_april_aligned_steps() {
        let axis = MonthAxis::new(d(2026, 4, 1), d(2031, 3, 31));
        let pts = axis.key_points(9usize);
        assert!(pts.len() <= 9);
        let labels: Vec<String> = pts.iter().map(MonthAxis::format).collect();
        assert_eq!(labels[0], "Apr 2026");
        assert!(labels
            .iter()
            .all(|l| l.starts_with("Apr") || l.starts_with("Oct")));
    }

    #[test]
    fn dashes_cover_the_pattern() {
        let segs = dashes(&[(0, 0), (100, 0)], 10.0, 10.0);
        assert_eq!(segs.len(), 5);
        assert_eq!(segs[0], vec![(0, 0), (10, 0)]);
        assert_eq!(segs[1], vec![(20, 0), (30, 0)]);
    }

    #[test]
    fn point_charts_draw_ranges_notes_and_a_reference_line() {
        let point = |x: f64, y: f64| Point {
            x,
            y,
            x_range: Some((x * 0.8, x * 1.2)),
            y_range: Some((y - 0.1, (y + 0.1).min(1.0))),
            note: Some(format!("{x} FTE")),
        };
        let c = Chart::Points(PointChart {
            title: "Probability of meeting the target".into(),
            subtitle: "Each point: one candidate".into(),
            x_label: "Extra cost".into(),
            y_label: "Probability".into(),
            x_kind: ValueKind::Pounds,
            y_kind: ValueKind::Share,
            series: vec![PointSeries {
                label: "candidates".into(),
                points: vec![point(-150_000.0, 0.2), point(250_000.0, 0.85)],
                joined: true,
            }],
            reference: Some((0.8, "80% asked".into())),
        });
        let svg = c.svg().unwrap();
        assert_eq!(svg, c.svg().unwrap());
        assert!(svg.contains("80% asked") && svg.contains("250000 FTE"));
        assert!(
            svg.contains("£0.2m") || svg.contains("£0.3m"),
            "pound labels"
        );
        assert!(svg.contains("-£"), "a negative axis for savings");
        assert!(c.png().unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    }

    #[test]
    fn numbers_for_axes() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(-1000.0), "-1,000");
        assert_eq!(format_value(ValueKind::Share, 0.25), "25%");
        assert_eq!(nice_ceiling(1234.0), 2000.0);
        assert_eq!(nice_ceiling(220.0), 250.0);
        assert_eq!(format_value(ValueKind::Pounds, 2_500_000.0), "£2.5m");
        assert_eq!(format_value(ValueKind::Pounds, -40_000.0), "-£40,000");
        assert_eq!(nice_span(ValueKind::Count, -30.0, 900.0), (-40.0, 1000.0));
        assert_eq!(nice_span(ValueKind::Pounds, 0.0, 2.81e6), (0.0, 3e6));
    }
}

//! The geometry of the server-rendered SVG charts (the markup is in
//! `templates/subsidy/chart_*.html`): a line chart over periods with reference lines (targets),
//! and a stacked bar chart. Pure: numbers in, coordinates out. Every chart also has a table with
//! the same numbers on its page, and a title and description for screen readers.

/// Series are told apart by colour *and* dash pattern (never by colour alone).
const STYLES: [(&str, &str); 7] = [
    ("#1f4e79", ""),
    ("#a04000", "6 3"),
    ("#2e6b30", "2 3"),
    ("#6a1b9a", "10 3 2 3"),
    ("#9b1c1c", "4 4"),
    ("#00695c", "12 4"),
    ("#37474f", "1 2"),
];

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 280.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 36.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

pub struct Tick {
    pub pos: f64,
    pub label: String,
}

pub struct Line {
    pub name: String,
    pub colour: &'static str,
    pub dash: &'static str,
    pub width: f64,
    /// Polyline segments ("x,y x,y …"); a missing value breaks the line.
    pub segments: Vec<String>,
    pub markers: Vec<(f64, f64)>,
}

pub struct Reference {
    pub y: f64,
    pub label: String,
    /// Labels alternate between the left and the right end, so that close lines stay legible.
    pub x: f64,
    pub anchor: &'static str,
}

pub struct LineChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub lines: Vec<Line>,
    pub references: Vec<Reference>,
    pub plot_left: f64,
    pub plot_right: f64,
    pub plot_bottom: f64,
}

fn x_of(i: usize, n: usize) -> f64 {
    let span = WIDTH - LEFT - RIGHT;
    if n <= 1 {
        LEFT + span / 2.0
    } else {
        LEFT + span * i as f64 / (n - 1) as f64
    }
}

fn y_of(value: f64, max: f64) -> f64 {
    let span = HEIGHT - TOP - BOTTOM;
    HEIGHT - BOTTOM - span * (value.clamp(0.0, max) / max)
}

/// A whole number with points between thousands, as Dutch readers expect: `2.000`.
fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if v < -0.5 {
        out.insert(0, '-');
    }
    out
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A line chart of `series` (name, one value per x label; `None` is no value) on a y axis from
/// 0 to `y_max` in steps of `y_step`, with horizontal `references` (name, value). The first
/// series may be drawn heavier (`emphasise_first`, e.g. a partner's total among its groups).
#[expect(clippy::too_many_arguments)]
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    x_labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    (y_max, y_step, unit): (f64, f64, &str),
    references: &[(String, f64)],
    emphasise_first: bool,
) -> LineChart {
    let n = x_labels.len();
    let mut y_ticks = Vec::new();
    let mut v = 0.0;
    while v <= y_max + 1e-9 {
        y_ticks.push(Tick {
            pos: round1(y_of(v, y_max)),
            label: format!("{}{unit}", grouped(v)),
        });
        v += y_step;
    }
    let lines = series
        .iter()
        .enumerate()
        .map(|(s, (name, values))| {
            let (colour, dash) = STYLES[s % STYLES.len()];
            let mut segments = Vec::new();
            let mut current: Vec<String> = Vec::new();
            let mut markers = Vec::new();
            for (i, value) in values.iter().enumerate().take(n) {
                match value {
                    Some(v) => {
                        let (x, y) = (round1(x_of(i, n)), round1(y_of(*v, y_max)));
                        current.push(format!("{x},{y}"));
                        markers.push((x, y));
                    }
                    None if !current.is_empty() => {
                        segments.push(std::mem::take(&mut current).join(" "))
                    }
                    None => {}
                }
            }
            if !current.is_empty() {
                segments.push(current.join(" "));
            }
            Line {
                name: name.clone(),
                colour,
                dash,
                width: if emphasise_first && s == 0 { 3.5 } else { 2.0 },
                segments,
                markers,
            }
        })
        .collect();
    LineChart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.to_string(),
        x_ticks: x_labels
            .iter()
            .enumerate()
            .map(|(i, l)| Tick {
                pos: round1(x_of(i, n)),
                label: l.clone(),
            })
            .collect(),
        y_ticks,
        lines,
        references: references
            .iter()
            .enumerate()
            .map(|(i, (label, v))| Reference {
                y: round1(y_of(*v, y_max)),
                label: label.clone(),
                x: if i % 2 == 0 {
                    LEFT + 4.0
                } else {
                    WIDTH - RIGHT
                },
                anchor: if i % 2 == 0 { "start" } else { "end" },
            })
            .collect(),
        plot_left: LEFT,
        plot_right: WIDTH - RIGHT,
        plot_bottom: HEIGHT - BOTTOM,
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `top`.
fn nice_max(top: i64) -> i64 {
    let mut power = 1i64;
    loop {
        for m in [1, 2, 5] {
            if m * power >= top {
                return m * power;
            }
        }
        power *= 10;
    }
}

pub struct Segment {
    pub y: f64,
    pub height: f64,
    pub colour: &'static str,
}

pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub label_x: f64,
    pub label: String,
    pub segments: Vec<Segment>,
}

pub struct BarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    pub y_ticks: Vec<Tick>,
    pub legend: Vec<(String, &'static str)>,
    pub plot_left: f64,
    pub plot_right: f64,
    pub plot_bottom: f64,
}

/// A stacked bar per x label: `parts` are (name, one value per x label), stacked bottom up.
pub fn stacked_bars(
    id: &str,
    title: &str,
    desc: &str,
    x_labels: &[String],
    parts: &[(String, Vec<i64>)],
) -> BarChart {
    let n = x_labels.len().max(1);
    let totals: Vec<i64> = (0..x_labels.len())
        .map(|i| {
            parts
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = totals.iter().copied().max().unwrap_or(0).max(1);
    let y_max = nice_max(top);
    let span = WIDTH - LEFT - RIGHT;
    let slot = span / n as f64;
    let bar_width = round1(slot * 0.6);
    let bars = x_labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let x = round1(LEFT + slot * i as f64 + slot * 0.2);
            let mut base = 0i64;
            let segments = parts
                .iter()
                .enumerate()
                .map(|(p, (_, values))| {
                    let v = values.get(i).copied().unwrap_or(0).max(0);
                    let y_top = y_of((base + v) as f64, y_max as f64);
                    let y_bottom = y_of(base as f64, y_max as f64);
                    base += v;
                    Segment {
                        y: round1(y_top),
                        height: round1(y_bottom - y_top),
                        colour: STYLES[p % STYLES.len()].0,
                    }
                })
                .collect();
            Bar {
                x,
                width: bar_width,
                label_x: round1(x + bar_width / 2.0),
                label: label.clone(),
                segments,
            }
        })
        .collect();
    let ticks = y_max.min(5);
    BarChart {
        id: id.to_string(),
        title: title.to_string(),
        desc: desc.to_string(),
        bars,
        y_ticks: (0..=ticks)
            .map(|t| {
                let v = y_max * t / ticks;
                Tick {
                    pos: round1(y_of(v as f64, y_max as f64)),
                    label: v.to_string(),
                }
            })
            .collect(),
        legend: parts
            .iter()
            .enumerate()
            .map(|(p, (name, _))| (name.clone(), STYLES[p % STYLES.len()].0))
            .collect(),
        plot_left: LEFT,
        plot_right: WIDTH - RIGHT,
        plot_bottom: HEIGHT - BOTTOM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_missing_values_and_scale() {
        let labels: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let c = line_chart(
            "t",
            "T",
            "D",
            &labels,
            &[("g".into(), vec![Some(0.0), Some(120.0), None, Some(60.0)])],
            (120.0, 20.0, "%"),
            &[("doel".into(), 85.0)],
            false,
        );
        assert_eq!(c.lines[0].segments.len(), 2, "the gap breaks the line");
        assert_eq!(c.lines[0].segments[0], "48,240 233.3,16");
        assert_eq!(c.lines[0].segments[1], "604,128");
        assert_eq!(c.y_ticks.len(), 7);
        assert_eq!(c.y_ticks[6].label, "120%");
        assert_eq!(grouped(2_000.0), "2.000");
        assert_eq!(grouped(1_234_567.0), "1.234.567");
        assert_eq!(grouped(500.0), "500");
        assert!(c.references[0].y > 16.0 && c.references[0].y < 240.0);
        // Above the axis is drawn at the top, not outside the chart.
        let high = line_chart(
            "t",
            "T",
            "D",
            &labels,
            &[("g".into(), vec![Some(500.0); 4])],
            (120.0, 20.0, "%"),
            &[],
            false,
        );
        assert!(high.lines[0].segments[0].contains(",16"));
    }

    #[test]
    fn stacked_bars_add_up() {
        let labels: Vec<String> = ["2019-K1", "2019-K2"].map(String::from).to_vec();
        let c = stacked_bars(
            "i",
            "Instroom",
            "D",
            &labels,
            &[
                ("maatwerk".into(), vec![10, 0]),
                ("nieuw".into(), vec![30, 7]),
            ],
        );
        assert_eq!(c.bars.len(), 2);
        let first = &c.bars[0];
        let total_height: f64 = first.segments.iter().map(|s| s.height).sum();
        // 40 of a rounded maximum of 50: 80% of the plot height (224).
        assert!((total_height - 179.2).abs() < 0.2, "{total_height}");
        assert_eq!(c.y_ticks.last().unwrap().label, "50");
        assert_eq!(c.bars[1].segments[0].height, 0.0);
        assert_eq!(nice_max(1), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(101), 200);
    }
}

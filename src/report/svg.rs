//! Chart pieces shared by the reports: colours and the axes of a plot area.

use maud::{html, Markup};

use super::page::fixed;

/// Colour of a stance (and of a label named like one), colour-blind safe (blue–orange).
pub(crate) fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "supportive" | "favor" | "positive" | "agree" => "#2c7bb6",
        "skeptical" | "against" | "negative" | "disagree" => "#e66101",
        "mixed" => "#9e75b8",
        _ => "#8c8c8c",
    }
}

/// A blue of intensity `t` in [0, 1] (white to dark blue), for heat maps.
pub(crate) fn blue(t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |lo: f64, hi: f64| (lo + (hi - lo) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(247.0, 8.0), mix(251.0, 69.0), mix(255.0, 148.0))
}

/// Text colour readable on [`blue`]`(t)`.
pub(crate) fn ink_on_blue(t: f64) -> &'static str {
    if t > 0.55 {
        "#fff"
    } else {
        "#111"
    }
}

/// A y axis from 0 to 1 at `x`, over `top..top+height`, with ticks every 0.2 and a label.
pub(crate) fn unit_y_axis(x: f64, top: f64, height: f64, label: &str) -> Markup {
    html! {
        g class="axis" {
            line x1=(fixed(x, 1)) y1=(fixed(top, 1)) x2=(fixed(x, 1)) y2=(fixed(top + height, 1)) {}
            @for i in 0..=5 {
                @let y = top + height * (1.0 - f64::from(i) / 5.0);
                line x1=(fixed(x - 4.0, 1)) y1=(fixed(y, 1)) x2=(fixed(x, 1)) y2=(fixed(y, 1)) {}
                text x=(fixed(x - 6.0, 1)) y=(fixed(y + 4.0, 1)) text-anchor="end" { (fixed(f64::from(i) / 5.0, 1)) }
            }
            text x=(fixed(x - 34.0, 1)) y=(fixed(top + height / 2.0, 1)) text-anchor="middle"
                transform=(format!("rotate(-90 {} {})", fixed(x - 34.0, 1), fixed(top + height / 2.0, 1))) { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(blue(0.0), "#f7fbff");
        assert_eq!(blue(1.0), "#084594");
        assert_eq!(blue(f64::NAN), "#f7fbff");
        assert_eq!(stance_colour("favor"), stance_colour("supportive"));
    }
}

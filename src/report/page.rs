//! The page every report shares: head, inline style, content security policy;
//! and JSON made safe inside a `<script>` element.

use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The style sheet of every report.
const CSS: &str = include_str!("assets/report.css");

/// Nothing may be loaded from anywhere: inline style and script, and `data:` images, only.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/// A whole page: `title`, `body`, and an optional inline script run at the end.
pub(crate) fn page(title: &str, body: Markup, script: Option<&str>) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("stance ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                (body)
                @if let Some(js) = script {
                    script { (PreEscaped(js)) }
                }
            }
        }
    }
    .into_string()
}

/// `value` as JSON text that can stand inside a `<script>` element: `<`, `>`
/// and `&` (and the line separators JavaScript once refused in strings) are
/// written as `\u` escapes, which JSON reads back as the same characters, so
/// no data can close the element or open another.
pub fn script_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + text.len() / 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A number with `places` decimals, for text and SVG coordinates.
pub(crate) fn fixed(x: f64, places: usize) -> String {
    if x.is_finite() {
        format!("{x:.places$}")
    } else {
        "0".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_element_and_reads_back() {
        let v = serde_json::json!({"s": "</script><script>alert(1)</script> & \u{2028} <!--"});
        let text = script_json(&v);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    #[test]
    fn the_page_escapes_its_title_and_forbids_loading() {
        let html = page("<b>x</b>", html! { p { "y" } }, Some("1;"));
        assert!(html.contains("<title>&lt;b&gt;x&lt;/b&gt;</title>"), "{html}");
        assert!(html.contains("default-src 'none'"));
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
}

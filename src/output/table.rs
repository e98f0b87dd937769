//! A readable table: a header, then one aligned row per record with long
//! values shortened.

use std::io::{self, Write};

use super::{plain, Field, Record, Sink};

const MAX_WIDTH: usize = 60;

/// Aligned columns for people.
pub struct TableSink<'a> {
    out: Box<dyn Write + 'a>,
    columns: Vec<&'static str>,
    header: bool,
}

impl<'a> TableSink<'a> {
    /// A table over `out` with `columns`; the header line comes before the
    /// first row when `header` (not when resuming a table that has one).
    pub fn new(out: Box<dyn Write + 'a>, columns: &[&'static str], header: bool) -> Self {
        Self { out, columns: columns.to_vec(), header }
    }

    fn width(column: &str) -> usize {
        match column {
            "line" | "score" | "confidence" | "code" | "sentence" | "link" => 7,
            "actor_code" => 9,
            "label" | "stance" | "id" | "supportive" | "skeptical" | "neutral" => 10,
            "actor" | "event" | "holder" | "target" => 18,
            "source" | "article" => 24,
            _ => MAX_WIDTH,
        }
    }
}

fn shorten(s: &str, width: usize) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() <= width {
        flat
    } else {
        let mut out: String = flat.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

impl Sink for TableSink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        if self.header {
            self.header = false;
            let line: Vec<String> = self.columns.iter().map(|c| format!("{:<w$}", c, w = Self::width(c))).collect();
            writeln!(self.out, "{}", line.join("  ").trim_end())?;
        }
        let cells: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let w = Self::width(c);
                let v = record.get(c).map(|field| match field {
                    Field::Json(serde_json::Value::Number(n)) if n.is_f64() => {
                        format!("{:.3}", n.as_f64().unwrap_or(0.0))
                    }
                    // Evidence lists show their first sentence.
                    Field::Json(serde_json::Value::Array(items))
                        if items.first().is_some_and(|i| i.get("sentence").is_some()) =>
                    {
                        items[0].get("sentence").cloned().map(|s| plain(&s.into())).unwrap_or_default()
                    }
                    other => plain(other),
                });
                format!("{:<w$}", shorten(&v.unwrap_or_default(), w))
            })
            .collect();
        writeln!(self.out, "{}", cells.join("  ").trim_end())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{sink, OutputFormat};
    use super::*;
    use serde_json::json;

    fn records() -> Vec<Record> {
        vec![
            Record {
                fields: vec![
                    ("line", json!(1).into()),
                    ("label", json!("pos").into()),
                    ("top", json!([{"p": 0.5}]).into()),
                ],
            },
            Record {
                fields: vec![
                    ("line", json!(2).into()),
                    ("label", Field::Str("a,\"b\"".into())),
                    ("top", Field::Ranking(vec![("x".into(), 0.25)])),
                ],
            },
        ]
    }

    fn render(format: OutputFormat) -> String {
        let mut buf = Vec::new();
        {
            let mut s = sink(format, Box::new(&mut buf), &["line", "label", "top"], true);
            for r in records() {
                s.write(&r).unwrap();
            }
            s.finish().unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn every_format_keeps_order_and_fields() {
        assert_eq!(
            render(OutputFormat::Jsonl),
            "{\"line\":1,\"label\":\"pos\",\"top\":[{\"p\":0.5}]}\n\
             {\"line\":2,\"label\":\"a,\\\"b\\\"\",\"top\":[{\"label\":\"x\",\"p\":0.25}]}\n"
        );
        assert_eq!(
            render(OutputFormat::Csv),
            "line,label,top\n1,pos,\"[{\"\"p\"\":0.5}]\"\n2,\"a,\"\"b\"\"\",\"[{\"\"label\"\":\"\"x\"\",\"\"p\"\":0.25}]\"\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render(OutputFormat::Json)).unwrap();
        assert_eq!(json[1]["line"], 2);
        let table = render(OutputFormat::Table);
        assert!(table.starts_with("line     label"), "{table}");
        assert_eq!(table.lines().count(), 3);
    }

    #[test]
    fn a_resumed_table_has_no_second_header() {
        let mut buf = Vec::new();
        {
            let mut s = sink(OutputFormat::Table, Box::new(&mut buf), &["line", "label", "top"], false);
            s.write(&records()[0]).unwrap();
            s.finish().unwrap();
        }
        assert!(String::from_utf8(buf).unwrap().starts_with("1 "));
    }

    #[test]
    fn long_values_are_shortened() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("a\nb", 4), "a b");
    }
}

//! The HTML report sink: article rows are aggregated as they come (see
//! [`crate::report::corpus`]) and the page is written when the run finishes.

use std::io::{self, Write};

use super::{Field, Record, Sink};
use crate::report::{CorpusBuilder, CorpusLimits, CorpusMeta, EvidenceRow, StanceRow};

/// One self-contained HTML page of actor × event cells, from article rows.
pub struct HtmlSink<'a> {
    out: Box<dyn Write + 'a>,
    builder: Option<CorpusBuilder>,
    meta: CorpusMeta,
}

impl<'a> HtmlSink<'a> {
    /// A report over `out`, titled and described by `meta`, keeping what `limits` allow.
    pub fn new(out: Box<dyn Write + 'a>, meta: CorpusMeta, limits: CorpusLimits) -> Self {
        Self { out, builder: Some(CorpusBuilder::new(limits)), meta }
    }
}

fn text(f: Option<&Field>) -> Option<&str> {
    match f? {
        Field::Str(s) => Some(s),
        Field::Json(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

fn number(f: Option<&Field>) -> f64 {
    match f {
        Some(Field::Json(v)) => v.as_f64().unwrap_or(0.0),
        _ => 0.0,
    }
}

impl Sink for HtmlSink<'_> {
    fn write(&mut self, record: &Record) -> io::Result<()> {
        let Some(builder) = self.builder.as_mut() else { return Err(io::Error::other("report already written")) };
        if record.get("error").is_some_and(|e| *e != Field::NULL) {
            builder.add_error();
            return Ok(());
        }
        let (Some(article), Some(actor), Some(event), Some(stance)) = (
            text(record.get("article")),
            text(record.get("actor")),
            text(record.get("event")),
            text(record.get("stance")),
        ) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the HTML report takes article rows (article, actor, event, stance)",
            ));
        };
        let evidence: Vec<EvidenceRow<'_>> = match record.get("evidence") {
            Some(Field::Json(serde_json::Value::Array(items))) => items
                .iter()
                .filter_map(|e| {
                    Some(EvidenceRow { sentence: e.get("sentence")?.as_str()?, score: e.get("score")?.as_f64()? })
                })
                .collect(),
            _ => Vec::new(),
        };
        builder.add(&StanceRow {
            article,
            actor,
            actor_code: text(record.get("actor_code")),
            event,
            stance,
            confidence: number(record.get("confidence")),
            evidence: &evidence,
            date: text(record.get("date")),
        });
        Ok(())
    }

    fn items(&mut self, items: u64) {
        if let Some(b) = self.builder.as_mut() {
            b.set_items(items);
        }
    }

    /// Nothing is written before the end: the page needs every row.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(builder) = self.builder.take() {
            let html = builder.finish().to_html(&self.meta);
            self.out.write_all(html.as_bytes())?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{sink, OutputFormat};
    use super::*;
    use serde_json::json;

    fn article_row(article: &str, actor: &str, stance: &str) -> Record {
        Record {
            fields: vec![
                ("article", json!(article).into()),
                ("actor", json!(actor).into()),
                ("code", json!("TUR").into()),
                ("actor_code", json!("TUR GOV").into()),
                ("event", json!("ceasefire").into()),
                ("stance", json!(stance).into()),
                ("confidence", json!(0.75).into()),
                ("evidence", json!([{"score": 0.5, "sentence": "Turkey <doubts> it."}]).into()),
                ("error", Field::NULL),
            ],
        }
    }

    #[test]
    fn rows_become_one_page_written_at_the_end() {
        let mut buf = Vec::new();
        {
            let mut s = sink(OutputFormat::Html, Box::new(&mut buf), &[], true);
            s.write(&article_row("a1", "Turkey", "skeptical")).unwrap();
            s.write(&article_row("a2", "Turkey", "skeptical")).unwrap();
            s.write(&Record { fields: vec![("article", json!("a3").into()), ("error", json!("bad").into())] }).unwrap();
            s.flush().unwrap();
            s.items(5);
            s.finish().unwrap();
        }
        let html = String::from_utf8(buf).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>"));
        assert!(html.contains("<b>5</b> articles") && html.contains("<b>1</b> records could not be read"), "{html}");
        assert!(html.contains(r#""c":0.75,"d":2,"e":0,"n":[0,2,0],"r":2"#), "{html}");
        assert!(html.contains(r#"Turkey \u003cdoubts\u003e it."#));
    }

    #[test]
    fn other_records_are_refused() {
        let mut s = sink(OutputFormat::Html, Box::new(io::sink()), &[], true);
        let r = Record { fields: vec![("line", json!(1).into()), ("label", json!("pos").into())] };
        assert_eq!(s.write(&r).unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }
}

//! HTML helpers: providers that store bodies as HTML need plain text escaped into it, and the
//! canonical model needs the text back out of it.

pub use crate::model::html_to_text;

/// Escapes text for use as HTML element content. Quotes are left alone: they are literal there, and
/// providers echo bodies back, so escaping them would change what agents see in plain-text views.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

/// Plain text as one HTML block: escaped, with line breaks kept as `<br>`, wrapped in a `<div>` (the
/// shape helpdesk editors produce, so the body renders as the agent typed it).
pub fn text_to_html(text: &str) -> String {
    format!("<div>{}</div>", escape(text).replace('\n', "<br>"))
}

/// Whether an HTML body holds no visible text (only tags and whitespace).
pub fn is_blank(html: &str) -> bool {
    html_to_text(html).trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_through_html() {
        let html = text_to_html("a < b & c\n\"quoted\"");
        assert_eq!(html, "<div>a &lt; b &amp; c<br>\"quoted\"</div>");
        assert_eq!(html_to_text(&html), "a < b & c\"quoted\"");
        assert!(is_blank("<div> <br></div>"));
        assert!(!is_blank(&html));
    }
}

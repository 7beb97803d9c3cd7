//! WhatsApp's text formatting in the inbox, as the customer's chat draws it (`webchat-view.js`):
//! `*bold*`, `_italic_`, `~strike~`, ` ```mono``` ` and `` `code` ``; links (`http`, `https`,
//! `www.`) become anchors that open elsewhere. Everything else is text, escaped by maud.

use maud::{html, Markup};

/// The marks, each with the element it makes; a mark counts only around text that does not
/// start or end with a space and does not touch a letter or digit outside (except ``` ```).
const MARKS: &[(&str, &str)] = &[("```", "code"), ("`", "code"), ("*", "strong"), ("_", "em"), ("~", "s")];

/// The earliest well-formed mark of `text`: (start, end of the inner text, mark, element).
fn first_mark(text: &str) -> Option<(usize, usize, &'static str, &'static str)> {
    let mut best: Option<(usize, usize, &str, &str)> = None;
    for &(mark, tag) in MARKS {
        let mut from = 0;
        while let Some(start) = text[from..].find(mark).map(|i| i + from) {
            let inner_start = start + mark.len();
            let Some(end) = text[inner_start..].find(mark).map(|i| i + inner_start) else { break };
            let inner = &text[inner_start..end];
            let before = text[..start].chars().next_back().unwrap_or(' ');
            let after = text[end + mark.len()..].chars().next().unwrap_or(' ');
            let ok = !inner.is_empty()
                && (mark == "```"
                    || (!inner.starts_with(char::is_whitespace)
                        && !inner.ends_with(char::is_whitespace)
                        && !before.is_ascii_alphanumeric()
                        && !after.is_ascii_alphanumeric()
                        && !inner.contains('\n')));
            if ok {
                if best.is_none_or(|b| start < b.0) {
                    best = Some((start, end, mark, tag));
                }
                break;
            }
            from = start + 1;
        }
    }
    best
}

/// `text` with its marks and links.
pub fn formatted(text: &str) -> Markup {
    let Some((start, end, mark, tag)) = first_mark(text) else { return links(text) };
    let inner = &text[start + mark.len()..end];
    let inner = if tag == "code" {
        html! { (inner) }
    } else {
        formatted(inner)
    };
    html! {
        (links(&text[..start]))
        @match tag {
            "strong" => strong { (inner) },
            "em" => em { (inner) },
            "s" => s { (inner) },
            _ if mark == "```" => code.mono { (inner) },
            _ => code { (inner) },
        }
        (formatted(&text[end + mark.len()..]))
    }
}

/// `text` with its links as anchors (a link's trailing punctuation stays text).
fn links(text: &str) -> Markup {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = ["https://", "http://", "www."].iter().filter_map(|p| rest.find(p)).min() {
        let len =
            rest[at..].find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"')).unwrap_or(rest.len() - at);
        let url = rest[at..at + len].trim_end_matches(['.', ',', '!', '?', ';', ':', ')']);
        parts.push((&rest[..at], Some(url)));
        rest = &rest[at + url.len()..];
    }
    html! {
        @for (before, url) in parts {
            (before)
            @if let Some(url) = url {
                @let href = if url.starts_with("www.") { format!("https://{url}") } else { url.to_string() };
                a href=(href) target="_blank" rel="noopener noreferrer nofollow" { (url) }
            }
        }
        (rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        formatted(s).into_string()
    }

    #[test]
    fn marks_and_links_as_the_customer_sees_them() {
        assert_eq!(f("*Ready* now"), "<strong>Ready</strong> now");
        assert_eq!(f("_a_ ~b~ `c`"), "<em>a</em> <s>b</s> <code>c</code>");
        assert_eq!(f("```x *y*```"), "<code class=\"mono\">x *y*</code>");
        assert_eq!(f("*bold _and italic_*"), "<strong>bold <em>and italic</em></strong>");
        assert_eq!(f("2*3*4 and a_b_c and * no*"), "2*3*4 and a_b_c and * no*");
        assert_eq!(
            f("see www.shop.example/a, or https://x.example."),
            "see <a href=\"https://www.shop.example/a\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">www.shop.example/a</a>, or \
             <a href=\"https://x.example\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://x.example</a>."
        );
        assert_eq!(f("<b>*x*</b>"), "&lt;b&gt;<strong>x</strong>&lt;/b&gt;");
        assert_eq!(f("جاهز *للاستلام*"), "جاهز <strong>للاستلام</strong>");
    }
}

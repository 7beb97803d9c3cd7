//! What counts as a web address: the links a message, a referral or a setting may carry, which
//! pages turn into links.

/// An absolute `http://` or `https://` URL with a host and no whitespace.
pub fn is_http_url(s: &str) -> bool {
    let rest = if let Some(r) = strip_prefix_ci(s, "https://") {
        r
    } else if let Some(r) = strip_prefix_ci(s, "http://") {
        r
    } else {
        return false;
    };
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if host_port.starts_with('[') {
        host_port.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    !host.is_empty()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls() {
        for ok in [
            "https://example.com",
            "http://example.com/a/b.jpg?x=1#f",
            "HTTPS://EXAMPLE.COM/x",
            "https://user:pw@cdn.example.com:8443/img.png",
            "http://[::1]:8080/x",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "",
            "example.com/x.jpg",
            "ftp://example.com/x",
            "https://",
            "https:///path",
            "https://exa mple.com/x",
            "https://example.com/a b.jpg",
            "javascript:alert(1)",
            "http(s)://example.com/media.mp4",
            "é",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}

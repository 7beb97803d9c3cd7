//! What a file is by its first bytes (magic numbers), to refuse media whose content does not
//! match its declared type: a PDF declared `image/jpeg` is 131053 on Meta's platform, not an
//! image. Only clear mismatches between families count (image, video, audio, PDF, office
//! document, text): a PNG declared `image/jpeg` is still an image. Executables are refused
//! whatever they are declared as.

/// The kind of content a file's first bytes show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Image,
    Video,
    Audio,
    /// An MP4/3GPP (ISO base media) container: video or audio (`audio/mp4`, `video/mp4`).
    Mp4,
    Pdf,
    /// A ZIP (docx, xlsx, pptx) or OLE compound file (doc, xls, ppt).
    Office,
    /// A program: never accepted as media.
    Executable,
}

/// How many leading bytes [`sniff`] looks at; keep at least this many of a file.
pub const HEAD_LEN: usize = 16;

/// The family of the content that starts with `head`, when its signature is one we know.
pub fn sniff(head: &[u8]) -> Option<Family> {
    let starts = |sig: &[u8]| head.starts_with(sig);
    let at = |off: usize, sig: &[u8]| head.get(off..off + sig.len()) == Some(sig);
    if starts(b"\xFF\xD8\xFF") || starts(b"\x89PNG\r\n\x1A\n") || starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(Family::Image);
    }
    if starts(b"RIFF") && at(8, b"WEBP") {
        return Some(Family::Image);
    }
    if starts(b"%PDF-") {
        return Some(Family::Pdf);
    }
    if at(4, b"ftyp") {
        return Some(Family::Mp4);
    }
    // Matroska/WebM, AVI.
    if starts(b"\x1A\x45\xDF\xA3") || (starts(b"RIFF") && at(8, b"AVI ")) {
        return Some(Family::Video);
    }
    // Ogg, AMR, MP3 with an ID3 tag, WAVE, and MPEG audio / ADTS AAC frame sync (11 bits set).
    if starts(b"OggS") || starts(b"#!AMR") || starts(b"ID3") || (starts(b"RIFF") && at(8, b"WAVE")) {
        return Some(Family::Audio);
    }
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 {
        return Some(Family::Audio);
    }
    if starts(b"PK\x03\x04") || starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some(Family::Office);
    }
    // Windows PE, ELF, Mach-O (both byte orders, 32 and 64 bits, and universal), scripts.
    if starts(b"MZ")
        || starts(b"\x7FELF")
        || starts(b"\xFE\xED\xFA\xCE")
        || starts(b"\xFE\xED\xFA\xCF")
        || starts(b"\xCE\xFA\xED\xFE")
        || starts(b"\xCF\xFA\xED\xFE")
        || starts(b"\xCA\xFE\xBA\xBE")
        || (starts(b"#!") && !starts(b"#!AMR"))
    {
        return Some(Family::Executable);
    }
    None
}

/// Whether a page may show media of type `mime` from its own origin: pictures, sound and
/// video, which a browser renders and never runs (SVG, a picture that can hold script, is not
/// one). Anything else is served as a download.
pub fn shown_inline(mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    (essence.starts_with("image/") && !essence.contains("svg"))
        || essence.starts_with("audio/")
        || essence.starts_with("video/")
}

/// The `Content-Type` media of type `mime` is served under: its own for media a browser shows
/// ([`shown_inline`]) and for documents it only saves (text, PDF, office files); anything a
/// browser could run on the origin it came from — HTML, XML, SVG, scripts, a type nobody knows
/// — is `application/octet-stream`. A customer's file must never become a page or a script of
/// the inbox.
pub fn served_type(mime: &str) -> &str {
    let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let document = essence == "text/plain"
        || essence == "application/pdf"
        || essence == "application/msword"
        || essence.starts_with("application/vnd.");
    if shown_inline(mime) || document {
        mime
    } else {
        "application/octet-stream"
    }
}

/// The `Content-Security-Policy` of every media response: opened as a page, it runs nothing
/// and reaches nothing.
pub const MEDIA_CSP: &str = "default-src 'none'; sandbox";

/// Check content starting with `head` against the declared MIME type `mime`. Images, PDFs and videos must show their own signature (every such file starts
/// with one); audio, office documents and text must not show another family's. The error says
/// what the content looks like, for `error_data.details`.
pub fn check_content(mime: &str, head: &[u8]) -> Result<(), String> {
    let found = sniff(head);
    let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let declared = essence.split('/').next().unwrap_or("");
    let fits = match (declared, essence.as_str(), found) {
        (_, _, Some(Family::Executable)) => false,
        ("image", _, f) => f == Some(Family::Image),
        (_, "application/pdf", f) => f == Some(Family::Pdf),
        ("video", _, f) => matches!(f, Some(Family::Video | Family::Mp4)),
        ("audio", _, f) => matches!(f, None | Some(Family::Audio | Family::Mp4)),
        ("text", _, f) => f.is_none(),
        // Office documents and anything else: not a file of another known family.
        (_, _, f) => matches!(f, None | Some(Family::Office)),
    };
    if fits {
        return Ok(());
    }
    let what = match found {
        Some(Family::Image) => "an image",
        Some(Family::Video) => "a video",
        Some(Family::Audio) => "audio",
        Some(Family::Mp4) => "an MP4 video or audio file",
        Some(Family::Pdf) => "a PDF document",
        Some(Family::Office) => "an office document or ZIP archive",
        Some(Family::Executable) => "a program, which is never accepted as media",
        None => "not a file of that type (its first bytes match no known signature of it)",
    };
    Err(format!("the file's content does not match its declared type {mime}: it is {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
    const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3";
    const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0";
    const GPP: &[u8] = b"\0\0\0\x14ftyp3gp4\0\0\0\0";
    const M4A: &[u8] = b"\0\0\0\x20ftypM4A \0\0\0\0";
    const OGG: &[u8] = b"OggS\0\x02\0\0\0\0\0\0";
    const MP3: &[u8] = b"ID3\x04\0\0\0\0\0\x21";
    const MP3_FRAME: &[u8] = b"\xFF\xFB\x90\x64\0\0";
    const AAC: &[u8] = b"\xFF\xF1\x50\x80\x02\x1F";
    const AMR: &[u8] = b"#!AMR\n\x3C";
    const DOCX: &[u8] = b"PK\x03\x04\x14\0\x06\0";
    const DOC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0";
    const ELF: &[u8] = b"\x7FELF\x02\x01\x01\0";
    const TEXT: &[u8] = b"Hello, world\n";

    #[test]
    fn signatures() {
        for (head, family) in [
            (JPEG, Family::Image),
            (PNG, Family::Image),
            (b"GIF89a\x01\0".as_slice(), Family::Image),
            (WEBP, Family::Image),
            (PDF, Family::Pdf),
            (MP4, Family::Mp4),
            (GPP, Family::Mp4),
            (M4A, Family::Mp4),
            (b"\x1A\x45\xDF\xA3\x01\0".as_slice(), Family::Video),
            (OGG, Family::Audio),
            (MP3, Family::Audio),
            (MP3_FRAME, Family::Audio),
            (AAC, Family::Audio),
            (AMR, Family::Audio),
            (DOCX, Family::Office),
            (DOC, Family::Office),
            (EXE, Family::Executable),
            (ELF, Family::Executable),
            (b"#!/bin/sh\n".as_slice(), Family::Executable),
        ] {
            assert_eq!(sniff(head), Some(family), "{head:?}");
        }
        assert_eq!(sniff(TEXT), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0"), None, "a RIFF header too short to say what it holds");
    }

    #[test]
    fn matching_content_passes() {
        for (mime, head) in [
            ("image/jpeg", JPEG),
            // Same family: a PNG declared as JPEG is still an image.
            ("image/jpeg", PNG),
            ("image/png", PNG),
            ("image/webp", WEBP),
            ("application/pdf", PDF),
            ("video/mp4", MP4),
            ("video/3gpp", GPP),
            ("audio/mp4", M4A),
            ("audio/ogg", OGG),
            ("audio/mpeg", MP3),
            ("audio/mpeg", MP3_FRAME),
            ("audio/aac", AAC),
            ("audio/amr", AMR),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", DOCX),
            ("application/msword", DOC),
            ("text/plain", TEXT),
            // Audio and documents without a signature we know are given the benefit of the doubt.
            ("audio/aac", b"\0\0raw"),
            ("application/vnd.ms-excel", TEXT),
            ("Audio/OGG; codecs=opus", OGG),
        ] {
            assert_eq!(check_content(mime, head), Ok(()), "{mime}");
        }
    }

    #[test]
    fn only_inert_types_keep_their_own() {
        for mime in ["image/jpeg", "image/webp", "audio/ogg; codecs=opus", "video/mp4"] {
            assert!(shown_inline(mime), "{mime}");
            assert_eq!(served_type(mime), mime);
        }
        for mime in ["text/plain", "application/pdf", "application/vnd.ms-excel"] {
            assert!(!shown_inline(mime), "{mime}");
            assert_eq!(served_type(mime), mime);
        }
        for mime in [
            "text/html",
            "Text/HTML; charset=utf-8",
            "application/xhtml+xml",
            "text/xml",
            "image/svg+xml",
            "application/javascript",
            "text/javascript",
            "text/css",
            "application/x-made-up",
        ] {
            assert!(!shown_inline(mime), "{mime}");
            assert_eq!(served_type(mime), "application/octet-stream", "{mime}");
        }
    }

    #[test]
    fn clear_mismatches_are_refused() {
        for (mime, head, says) in [
            ("image/jpeg", PDF, "a PDF document"),
            ("image/png", TEXT, "no known signature"),
            ("application/pdf", JPEG, "an image"),
            ("application/pdf", TEXT, "no known signature"),
            ("video/mp4", OGG, "audio"),
            ("video/mp4", b"fake mp4".as_slice(), "no known signature"),
            ("audio/ogg", PNG, "an image"),
            ("audio/mpeg", PDF, "a PDF document"),
            ("text/plain", PDF, "a PDF document"),
            ("text/plain", DOCX, "an office document"),
            ("application/msword", JPEG, "an image"),
            ("application/pdf", EXE, "a program"),
            ("application/msword", ELF, "a program"),
            ("text/plain", b"#!/bin/sh\nrm -rf /".as_slice(), "a program"),
        ] {
            let e = check_content(mime, head).unwrap_err();
            assert!(e.contains(mime) && e.contains(says), "{mime}: {e}");
        }
    }
}

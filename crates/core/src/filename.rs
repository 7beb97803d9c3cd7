//! File names that travel with media (a document's `filename`, the name of an uploaded file):
//! one check for names from businesses and from customers, so that a name such as `../../x`
//! never reaches the other side, whose client may save the file under it.

use crate::error::ApiError;

/// The longest file name accepted, in characters (the common file-system limit).
pub const MAX_FILENAME: usize = 255;

/// `name` must be a plain file name: not blank, at most [`MAX_FILENAME`] characters, without
/// path separators or control characters, and not only dots (`.`, `..`). `path` names the
/// parameter in the error (`document.filename`); a bad name is error 131009.
pub fn check_filename(name: &str, path: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::bad_value(format!("Param {path} must not be empty.")));
    }
    if name.chars().count() > MAX_FILENAME {
        return Err(ApiError::bad_value(format!("Param {path} must be at most {MAX_FILENAME} characters long.")));
    }
    if name.contains(['/', '\\'])
        || name.chars().any(|c| c.is_control() || is_bidi_control(c))
        || name.chars().all(|c| c == '.')
    {
        return Err(ApiError::bad_value(format!(
            "Param {path} must be a file name, without path separators or control characters."
        )));
    }
    Ok(())
}

/// The characters that reorder the text around them (embeddings, overrides, isolates): in a
/// file name they show `invoice\u{202E}txt.exe` as "invoiceexe.txt".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The last part of a multipart upload's file name, as RFC 7578 (4.2) asks of a receiver: a
/// client may send the path it read the file from (`/home/me/photo.jpg`, `C:\\photos\\a.jpg`),
/// and only the name itself is kept. What is left is then checked like any file name.
pub fn upload_file_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn plain_names_pass() {
        for ok in ["receipt.pdf", "Rechnung März 2026.pdf", "فاتورة.pdf", ".hidden", "a..b"] {
            assert!(check_filename(ok, "document.filename").is_ok(), "{ok}");
        }
    }

    #[test]
    fn an_upload_keeps_only_the_last_part_of_its_path() {
        assert_eq!(upload_file_name("/home/user/photo.jpg"), "photo.jpg");
        assert_eq!(upload_file_name("C:\\photos\\a b.jpg"), "a b.jpg");
        assert_eq!(upload_file_name("photo.jpg"), "photo.jpg");
        assert_eq!(upload_file_name("dir/"), "", "a name that ends in a separator keeps nothing");
    }

    #[test]
    fn paths_and_control_characters_are_refused() {
        let long = "a".repeat(MAX_FILENAME + 1);
        let spoofs = ["invoice\u{202E}txt.exe", "a\u{2066}b", "a\u{202A}b"];
        for bad in ["../../x", "..\\x", "/etc/passwd", "a/b", "a\nb", "a\u{0}b", "", "  ", ".", ".."]
            .iter()
            .chain(&spoofs)
            .chain([&long.as_str()])
        {
            let e = check_filename(bad, "document.filename").unwrap_err();
            assert_eq!(e.code, ErrorCode::ParameterValueInvalid, "{bad:?}");
            assert!(e.details.contains("document.filename"), "{bad:?}: {}", e.details);
        }
    }
}

//! QR codes and short links (`/{phone-number-id}/message_qrdls`): a code that opens a chat
//! with the number, its text prefilled. The server draws the images and serves the short link.

use rand::Rng;
use serde_json::{Map, Value};

use super::{text_param, NumberService};
use crate::error::{ApiError, ErrorCode};
use crate::model::{Page, PageRequest, PhoneNumber, QrCode};

/// Meta's limits: a prefilled message of at most 140 characters, 2,000 codes per number.
pub const MAX_PREFILLED_CHARS: usize = 140;
pub const MAX_QR_PER_NUMBER: i64 = 2000;
/// Codes are 14 characters of `A-Z` and `2-7`, as Meta's.
pub const CODE_LEN: usize = 14;
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The image formats `generate_qr_image` (and `fields=qr_image_url.format(…)`) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFormat {
    Png,
    Svg,
}

impl QrFormat {
    pub fn parse(s: &str) -> Option<QrFormat> {
        match s.trim().to_ascii_uppercase().as_str() {
            "PNG" => Some(QrFormat::Png),
            "SVG" => Some(QrFormat::Svg),
            _ => None,
        }
    }

    /// The file extension (`png`, `svg`).
    pub fn extension(self) -> &'static str {
        match self {
            QrFormat::Png => "png",
            QrFormat::Svg => "svg",
        }
    }
}

/// What a create-or-update request asked for: the code, and the image format if any.
#[derive(Debug, Clone)]
pub struct QrResult {
    pub qr: QrCode,
    pub image: Option<QrFormat>,
}

/// One page of a number's codes (newest first), by the codes as cursors. A cursor that names no
/// code of the list (deleted meanwhile) starts from the beginning of the list.
pub fn page(codes: Vec<QrCode>, req: &PageRequest) -> Page<QrCode> {
    let at = |c: &Option<String>| c.as_ref().and_then(|c| codes.iter().position(|q| &q.code == c));
    let (start, end) = match (at(&req.after), at(&req.before)) {
        (Some(a), _) => (a + 1, (a + 1 + req.limit).min(codes.len())),
        (None, Some(b)) => (b.saturating_sub(req.limit), b),
        (None, None) => (0, req.limit.min(codes.len())),
    };
    let (has_more_before, has_more_after) = (start > 0, end < codes.len());
    let items = codes.into_iter().skip(start).take(end - start).collect();
    Page { items, has_more_after, has_more_before }
}

/// True for a well-formed code.
pub fn is_code(s: &str) -> bool {
    s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// Graph's answer for a code the number does not have.
pub fn qr_not_found(code: &str) -> ApiError {
    ApiError::new(ErrorCode::AliasNotFound, format!("The QR code {code} does not exist or was deleted"))
        .with_message("QR code not found")
}

fn check_code(code: &str) -> Result<(), ApiError> {
    if is_code(code) {
        return Ok(());
    }
    Err(ApiError::invalid(format!("Invalid QR code ID format '{code}': expected {CODE_LEN} characters of A-Z and 2-7")))
}

fn prefilled(body: &Map<String, Value>) -> Result<String, ApiError> {
    let Some(text) = text_param(body, "prefilled_message")? else {
        return Err(ApiError::invalid("The parameter prefilled_message is required"));
    };
    let n = text.chars().count();
    if n > MAX_PREFILLED_CHARS {
        return Err(ApiError::invalid(format!(
            "Invalid prefilled_message length {n}. Maximum {MAX_PREFILLED_CHARS} characters allowed"
        )));
    }
    Ok(text)
}

impl NumberService {
    /// `POST /{phone-number-id}/message_qrdls`: create a code (no `code` given) or change the
    /// prefilled message of one (`code` given); `generate_qr_image` asks for an image URL.
    pub async fn save_qr(&self, phone: &PhoneNumber, body: &Map<String, Value>) -> Result<QrResult, ApiError> {
        let message = prefilled(body)?;
        let image = match text_param(body, "generate_qr_image")? {
            None => None,
            Some(f) => Some(QrFormat::parse(&f).ok_or_else(|| {
                ApiError::invalid(format!("Param generate_qr_image must be one of {{PNG, SVG}}, not '{f}'"))
            })?),
        };
        let known = ["prefilled_message", "generate_qr_image", "code"];
        if let Some(k) = body.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!("Param {k} is not supported on message_qrdls")));
        }
        let now = self.clock.now_ms();
        if let Some(code) = text_param(body, "code")? {
            check_code(&code)?;
            if !self.store.update_qr(&phone.id, &code, &message, now).await? {
                return Err(qr_not_found(&code));
            }
            let qr = self.store.qr(&code).await?.ok_or_else(|| qr_not_found(&code))?;
            return Ok(QrResult { qr, image });
        }
        let count = self.store.count_qrs(&phone.id).await?;
        if count >= MAX_QR_PER_NUMBER {
            return Err(ApiError::invalid(format!(
                "+{} has {count} QR codes, the most a number can have ({MAX_QR_PER_NUMBER}): delete one first",
                phone.number
            )));
        }
        for _ in 0..3 {
            let qr = QrCode {
                code: new_code(),
                phone_number_id: phone.id.clone(),
                prefilled_message: message.clone(),
                created_at: now,
                updated_at: now,
            };
            match self.store.insert_qr(&qr).await {
                Ok(()) => return Ok(QrResult { qr, image }),
                // 32^14 codes: a collision is next to impossible, but costs nothing to retry.
                Err(crate::error::StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ApiError::internal())
    }

    /// A number's codes, newest first; `code` keeps only that one.
    pub async fn qrs(&self, phone: &PhoneNumber, code: Option<&str>) -> Result<Vec<QrCode>, ApiError> {
        if let Some(code) = code {
            check_code(code)?;
            return Ok(self.store.qr(code).await?.filter(|q| q.phone_number_id == phone.id).into_iter().collect());
        }
        Ok(self.store.qrs(&phone.id).await?)
    }

    /// One of a number's codes.
    pub async fn qr(&self, phone: &PhoneNumber, code: &str) -> Result<QrCode, ApiError> {
        check_code(code)?;
        self.store.qr(code).await?.filter(|q| q.phone_number_id == phone.id).ok_or_else(|| qr_not_found(code))
    }

    /// Delete one of a number's codes: its short link and images stop working.
    pub async fn delete_qr(&self, phone: &PhoneNumber, code: &str) -> Result<(), ApiError> {
        check_code(code)?;
        match self.store.delete_qr(&phone.id, code).await? {
            true => Ok(()),
            false => Err(qr_not_found(code)),
        }
    }

    /// A code by itself, whichever number it belongs to (its images are public).
    pub async fn find_qr(&self, code: &str) -> Result<Option<QrCode>, ApiError> {
        if !is_code(code) {
            return Ok(None);
        }
        Ok(self.store.qr(code).await?)
    }

    /// What a short link opens: the code and its number. Not found once deleted, and while the
    /// number is not registered (no chat can start with it).
    pub async fn open_link(&self, code: &str) -> Result<(QrCode, PhoneNumber), ApiError> {
        if !is_code(code) {
            return Err(qr_not_found(code));
        }
        let qr = self.store.qr(code).await?.ok_or_else(|| qr_not_found(code))?;
        let phone = self.phone(&qr.phone_number_id).await?;
        if !phone.registered {
            return Err(qr_not_found(code));
        }
        Ok((qr, phone))
    }
}

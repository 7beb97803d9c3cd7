//! The template lifecycle beyond review: the edit limits of APPROVED templates, appeals of
//! rejections (`IN_APPEAL`), archiving (`ARCHIVED`), and `LIMIT_EXCEEDED` for templates beyond
//! a WABA's template limit.

use super::service::Change;
use super::{events, TemplateService};
use crate::clock::{iso_time, Millis};
use crate::error::{ApiError, ErrorCode};
use crate::model::{PageRequest, Template, TemplateStatus, EDIT_INTERVAL_MS, EDIT_WINDOW_MS, MAX_EDITS_PER_30_DAYS};
use crate::store::TemplateFilter;

/// The edit limits of an APPROVED template (Meta: one edit in 24 hours, ten in 30 days;
/// REJECTED and PAUSED templates are not limited). Returns the approved-edit times to keep,
/// this edit included, or the error naming the rule that stops it.
pub fn approved_edit(t: &Template, now: Millis) -> Result<Vec<Millis>, ApiError> {
    let mut edits: Vec<Millis> = t.approved_edits.iter().copied().filter(|e| now - e < EDIT_WINDOW_MS).collect();
    if let Some(last) = edits.iter().copied().max().filter(|l| now - l < EDIT_INTERVAL_MS) {
        let next = iso_time(last + EDIT_INTERVAL_MS);
        return Err(ApiError::new(
            ErrorCode::TemplateEditDaily,
            format!(
                "An approved template can be edited once in 24 hours: {} ({}) was edited at {}; it can be edited again from {next}.",
                t.name,
                t.language,
                iso_time(last)
            ),
        )
        .with_user_message(
            "Template edit limit reached",
            format!("You can edit an approved template once every 24 hours. Try again after {next}."),
        ));
    }
    if edits.len() >= MAX_EDITS_PER_30_DAYS {
        let oldest = edits.iter().copied().min().unwrap_or(now);
        let next = iso_time(oldest + EDIT_WINDOW_MS);
        return Err(ApiError::new(
            ErrorCode::TemplateEditMonthly,
            format!(
                "An approved template can be edited {MAX_EDITS_PER_30_DAYS} times in 30 days: {} ({}) was edited {} times since {}; it can be edited again from {next}.",
                t.name,
                t.language,
                edits.len(),
                iso_time(now - EDIT_WINDOW_MS)
            ),
        )
        .with_user_message(
            "Template edit limit reached",
            format!(
                "You can edit an approved template {MAX_EDITS_PER_30_DAYS} times in 30 days. Try again after {next}."
            ),
        ));
    }
    edits.push(now);
    Ok(edits)
}

/// Statuses a template can be archived from.
const ARCHIVABLE: &[TemplateStatus] =
    &[TemplateStatus::Approved, TemplateStatus::Rejected, TemplateStatus::Paused, TemplateStatus::Disabled];

impl TemplateService {
    /// Change one live template with `f`; the template afterwards, or object-not-found.
    async fn change(
        &self,
        id: &str,
        f: impl FnMut(&Template, Millis) -> Result<Change, ApiError>,
    ) -> Result<Template, ApiError> {
        let t = self.transition(id, f).await?;
        t.filter(|t| t.status != TemplateStatus::Deleted).ok_or_else(|| ApiError::object_not_found(id))
    }

    /// Appeal a REJECTED template: `IN_APPEAL` until it is reviewed again, by the rules after
    /// the review delay (automatic review) or by an operator (manual review), which ends in
    /// the usual `APPROVED` or `REJECTED` webhook. Meta has no Graph call for appeals (they are
    /// made in WhatsApp Manager), so this is the admin API's.
    pub async fn appeal(&self, id: &str) -> Result<Template, ApiError> {
        self.change(id, |t, now| {
            if t.status != TemplateStatus::Rejected {
                return Err(ApiError::bad_value(format!(
                    "template {} is {}: only REJECTED templates can be appealed",
                    t.id, t.status
                )));
            }
            let mut n = t.clone();
            n.status = TemplateStatus::InAppeal;
            n.review_due_at = self.due_at(now);
            let (n, rows) = self.review_now(n, now);
            Ok(Some((n, rows, false)))
        })
        .await
    }

    /// Archive a template: it cannot be sent (132001) until unarchived; webhook `ARCHIVED`.
    pub async fn archive(&self, id: &str) -> Result<Template, ApiError> {
        self.change(id, |t, now| {
            if !ARCHIVABLE.contains(&t.status) {
                return Err(ApiError::bad_value(format!(
                    "template {} is {}: only APPROVED, REJECTED, PAUSED or DISABLED templates can be archived",
                    t.id, t.status
                )));
            }
            let mut n = t.clone();
            n.status_before = Some(t.status);
            n.status = TemplateStatus::Archived;
            let rows = vec![events::lifecycle(&n, "ARCHIVED", now)];
            Ok(Some((n, rows, false)))
        })
        .await
    }

    /// Unarchive a template: back to the status it was archived from; webhook `UNARCHIVED`.
    pub async fn unarchive(&self, id: &str) -> Result<Template, ApiError> {
        self.change(id, |t, now| {
            if t.status != TemplateStatus::Archived {
                return Err(ApiError::bad_value(format!("template {} is {}, not ARCHIVED", t.id, t.status)));
            }
            let mut n = t.clone();
            n.status = t.status_before.unwrap_or(TemplateStatus::Approved);
            n.status_before = None;
            let rows = vec![events::lifecycle(&n, "UNARCHIVED", now)];
            Ok(Some((n, rows, false)))
        })
        .await
    }

    /// Hold a WABA to its template limit: its live templates beyond the first `limit` (oldest
    /// first) become `LIMIT_EXCEEDED` and cannot be sent; when there is room again (deletions,
    /// a verified portfolio) they return to their earlier status. Returns how many changed.
    pub async fn enforce_limit(&self, waba_id: &str, limit: i64) -> Result<usize, ApiError> {
        let mut live: Vec<Template> = Vec::new();
        let mut page = PageRequest { limit: 1000, ..Default::default() };
        loop {
            let p = self.store().page_templates(waba_id, &TemplateFilter::default(), &page).await?;
            let more = p.has_more_after;
            page.after = p.items.last().map(|t| t.id.clone());
            live.extend(p.items);
            if !more || page.after.is_none() {
                break;
            }
        }
        live.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let mut changed = 0;
        for (i, t) in live.iter().enumerate() {
            let over = i as i64 >= limit;
            if over == (t.status == TemplateStatus::LimitExceeded) {
                continue;
            }
            let done = self
                .transition(&t.id, |t, _now| {
                    let mut n = t.clone();
                    if over && t.status != TemplateStatus::LimitExceeded && t.status != TemplateStatus::Deleted {
                        n.status_before = Some(t.status);
                        n.status = TemplateStatus::LimitExceeded;
                    } else if !over && t.status == TemplateStatus::LimitExceeded {
                        n.status = t.status_before.unwrap_or(TemplateStatus::Approved);
                        n.status_before = None;
                    } else {
                        return Ok(None);
                    }
                    Ok(Some((n, Vec::new(), false)))
                })
                .await?;
            changed += usize::from(done.is_some());
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::review::tests_support::template;
    use serde_json::json;

    #[test]
    fn edit_limits() {
        let day = EDIT_INTERVAL_MS;
        let mut t = template("UTILITY", "POSITIONAL", json!([]));
        t.status = TemplateStatus::Approved;
        let mut now = 100 * day;
        for _ in 0..MAX_EDITS_PER_30_DAYS {
            t.approved_edits = approved_edit(&t, now).unwrap();
            let e = approved_edit(&t, now + day - 1).unwrap_err();
            assert_eq!(e.code, ErrorCode::TemplateEditDaily);
            now += day + 1;
        }
        let e = approved_edit(&t, now).unwrap_err();
        assert_eq!(e.code, ErrorCode::TemplateEditMonthly);
        assert!(e.details.contains("10 times in 30 days"), "{}", e.details);
        assert!(e.user_msg.is_some());
        // Edits older than 30 days fall out of the window.
        let first = t.approved_edits[0];
        assert_eq!(approved_edit(&t, first + EDIT_WINDOW_MS).unwrap().len(), MAX_EDITS_PER_30_DAYS);
    }
}

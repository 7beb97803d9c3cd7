//! The owners' console of the web app: a business's numbers with their quality, messaging
//! limit and throughput; its templates (listed, created from a form, with their review
//! status and reasons); its webhook deliveries (with retries and replay); its usage and
//! invoice for a month. The same services the admin and Graph APIs use, scoped to the
//! signed-in person's business, for owners and admins only; changes are in the audit log as
//! `user:<id>`.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::audit::AuditService;
use crate::clock::Clock;
use crate::error::{ApiError, ErrorCode};
use crate::model::{Actor, Delivery, DeliveryState, InvoiceLine, Role, Target, Template, User, Waba};
use crate::pricing::dates::parse_month;
use crate::pricing::invoice_lines;
use crate::quality::service::LimitView;
use crate::quality::QualityService;
use crate::store::{DeliveryFilter, Store, TemplateFilter};
use crate::templates::listing::TemplateSearch;
use crate::templates::TemplateService;
use crate::webhooks::WebhookService;

/// Most deliveries a console page lists.
pub const DELIVERIES_SHOWN: usize = 100;

/// What a template form holds (`POST /app/console/templates`).
#[derive(Debug, Clone, Default)]
pub struct TemplateForm {
    pub waba_id: String,
    pub name: String,
    pub language: String,
    pub category: String,
    pub header: String,
    pub body: String,
    pub footer: String,
    /// One example value per body variable, in order.
    pub examples: Vec<String>,
}

impl TemplateForm {
    /// The body's `{{1}}`, `{{2}}`… in order of first appearance.
    pub fn variables(&self) -> Vec<String> {
        variables(&self.body)
    }

    /// The Graph creation request the form stands for: the same body an API client sends.
    pub fn to_request(&self) -> Map<String, Value> {
        let mut components = Vec::new();
        if !self.header.trim().is_empty() {
            components.push(json!({"type": "HEADER", "format": "TEXT", "text": self.header.trim()}));
        }
        let mut body = json!({"type": "BODY", "text": self.body.trim()});
        if !self.variables().is_empty() {
            body["example"] = json!({ "body_text": [self.examples] });
        }
        components.push(body);
        if !self.footer.trim().is_empty() {
            components.push(json!({"type": "FOOTER", "text": self.footer.trim()}));
        }
        let v = json!({
            "name": self.name.trim(),
            "language": self.language.trim(),
            "category": self.category.trim(),
            "components": components,
        });
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// The body with each variable replaced by its example (the variable itself when the
    /// example is empty): what the form's preview shows.
    pub fn preview(&self) -> String {
        let mut out = self.body.clone();
        for (i, var) in self.variables().iter().enumerate() {
            let value = self.examples.get(i).filter(|e| !e.trim().is_empty()).cloned().unwrap_or_else(|| var.clone());
            out = out.replace(var, &value);
        }
        out
    }
}

/// `{{…}}` placeholders of `text`, each once, in order of first appearance.
pub fn variables(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        let var = rest[start..start + len + 2].to_string();
        if !out.contains(&var) {
            out.push(var);
        }
        rest = &rest[start + len + 2..];
    }
    out
}

/// One month's invoice of one WABA.
#[derive(Debug, Clone)]
pub struct WabaInvoice {
    pub waba: Waba,
    pub currency: String,
    pub lines: Vec<InvoiceLine>,
}

#[derive(Clone)]
pub struct ConsoleService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    quality: QualityService,
    templates: TemplateService,
    webhooks: WebhookService,
    audit: AuditService,
}

impl ConsoleService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        quality: QualityService,
        templates: TemplateService,
        webhooks: WebhookService,
        audit: AuditService,
    ) -> Self {
        ConsoleService { store, clock, quality, templates, webhooks, audit }
    }

    /// The current month, `YYYY-MM` (UTC, by the server's clock: the sandbox's when it moved).
    pub fn this_month(&self) -> String {
        crate::pricing::dates::format_date(self.clock.now_ms())[..7].to_string()
    }

    /// Owners and admins only: agents answer customers, they do not run the account.
    pub fn allowed(user: &User) -> Result<(), ApiError> {
        match user.role {
            Role::Owner | Role::Admin => Ok(()),
            _ => Err(ApiError::new(ErrorCode::PermissionDenied, "The console is for owners and admins.")),
        }
    }

    /// The business's messaging limit, usage and numbers with their quality and throughput.
    pub async fn numbers(&self, user: &User) -> Result<LimitView, ApiError> {
        Self::allowed(user)?;
        self.quality.view(&user.business_id).await
    }

    /// The business's WABAs.
    pub async fn wabas(&self, user: &User) -> Result<Vec<Waba>, ApiError> {
        Self::allowed(user)?;
        Ok(self.store.list_wabas(Some(&user.business_id)).await?)
    }

    /// A WABA of the user's business (another business's is not found).
    async fn waba(&self, user: &User, waba_id: &str) -> Result<Waba, ApiError> {
        match self.store.waba(waba_id).await? {
            Some(w) if w.business_id == user.business_id => Ok(w),
            _ => Err(ApiError::object_not_found(waba_id)),
        }
    }

    /// Every live template of the business's WABAs, newest first.
    pub async fn templates(&self, user: &User) -> Result<Vec<Template>, ApiError> {
        let mut out = Vec::new();
        // Reviews and pauses that are due show as they would through the Graph list.
        self.templates.apply_due().await?;
        for w in self.wabas(user).await? {
            out.extend(
                self.templates.all_templates(&w.id, &TemplateFilter::default(), &TemplateSearch::default()).await?,
            );
        }
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        Ok(out)
    }

    /// Create a template from the form, through the same validation and review as
    /// `POST /{waba-id}/message_templates`.
    pub async fn create_template(&self, user: &User, form: &TemplateForm) -> Result<Template, ApiError> {
        Self::allowed(user)?;
        let waba = self.waba(user, &form.waba_id).await?;
        let t = self.templates.create(&waba, &form.to_request()).await?;
        self.record(user, "template.create", &t.id, &format!("name={} language={}", t.name, t.language)).await?;
        Ok(t)
    }

    /// The business's latest webhook deliveries, newest first (`state`: only those).
    pub async fn deliveries(&self, user: &User, state: Option<DeliveryState>) -> Result<Vec<Delivery>, ApiError> {
        Self::allowed(user)?;
        let filter = DeliveryFilter {
            business_id: Some(user.business_id.clone()),
            state,
            limit: DELIVERIES_SHOWN,
            ..Default::default()
        };
        self.webhooks.deliveries(&filter).await
    }

    /// Deliver one of the business's deliveries again.
    pub async fn replay(&self, user: &User, delivery_id: &str) -> Result<u64, ApiError> {
        Self::allowed(user)?;
        let n = self.webhooks.replay(delivery_id, Some(&user.business_id)).await?;
        self.record(user, "webhook.replay", delivery_id, "").await?;
        Ok(n)
    }

    /// Deliver every dead letter of the business again.
    pub async fn replay_dead(&self, user: &User) -> Result<u64, ApiError> {
        Self::allowed(user)?;
        let n = self.webhooks.replay_dead(Some(&user.business_id)).await?;
        self.record(user, "webhook.replay_dead", &user.business_id, &format!("rows={n}")).await?;
        Ok(n)
    }

    /// Each WABA's invoice for `month` (`YYYY-MM`), from the ledger the admin API bills from.
    pub async fn invoices(&self, user: &User, month: &str) -> Result<Vec<WabaInvoice>, ApiError> {
        Self::allowed(user)?;
        let (from, to) =
            parse_month(month).ok_or_else(|| ApiError::bad_value(format!("month: '{month}' is not YYYY-MM")))?;
        let currency =
            self.store.rate_cards().await?.last().map(|c| c.currency.clone()).unwrap_or_else(|| "USD".into());
        let mut out = Vec::new();
        for waba in self.wabas(user).await? {
            let lines = invoice_lines(&self.store.ledger(&waba.id, from, to).await?);
            out.push(WabaInvoice { waba, currency: currency.clone(), lines });
        }
        Ok(out)
    }

    /// Record a change the person made (as `user:<id>`, in their business) in the audit log:
    /// the console's own changes, and those a console page makes through another service.
    pub async fn record(&self, user: &User, action: &str, target: &str, detail: &str) -> Result<(), ApiError> {
        let who = Actor { id: format!("user:{}", user.id), address: None };
        let what = Target { business_id: Some(user.business_id.clone()), id: target.to_string() };
        self.audit.record(&who, action, &what, detail).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_graph_request_and_its_preview() {
        let form = TemplateForm {
            waba_id: "1".into(),
            name: "order_ready".into(),
            language: "en_US".into(),
            category: "UTILITY".into(),
            header: "".into(),
            body: "Hi {{1}}, order {{2}} is ready. {{1}}!".into(),
            footer: "Reply STOP".into(),
            examples: vec!["Layla".into(), "".into()],
        };
        assert_eq!(form.variables(), vec!["{{1}}", "{{2}}"]);
        assert_eq!(form.preview(), "Hi Layla, order {{2}} is ready. Layla!");
        let req = Value::Object(form.to_request());
        assert_eq!(req["components"][0]["example"]["body_text"], json!([["Layla", ""]]));
        assert_eq!(req["components"][1], json!({"type": "FOOTER", "text": "Reply STOP"}));
        assert_eq!(req["components"].as_array().map(Vec::len), Some(2));
    }
}

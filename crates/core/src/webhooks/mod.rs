//! The webhook service: where a business's events go, set Graph's way (an app's callback, a
//! WABA's override, a number's override: Meta's precedence is number > WABA > app), and the
//! operator's view of deliveries ([`admin`]). Setting a callback runs Meta's verification
//! handshake first; when it fails nothing is saved.

pub mod admin;

use std::sync::Arc;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::model::{App, AppSubscription, NumberOverride, PhoneNumber, Waba, WabaSubscription, WABA_OBJECT};
use crate::ports::WebhookControl;
use crate::store::Store;

/// A number's callbacks at each level that has one, as `webhook_configuration` reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackLevels {
    pub application: Option<String>,
    pub whatsapp_business_account: Option<String>,
    pub phone_number: Option<String>,
}

/// An app subscribed to a WABA, with the app's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribedApp {
    pub subscription: WabaSubscription,
    pub app_name: String,
}

/// The app whose secret signs what goes to a WABA's business: the first app subscribed to it
/// (`subs`, the WABA's subscriptions), else the business's first app. Webhooks and the bots'
/// calls to the business's endpoint are signed with it.
pub async fn signing_app(
    store: &dyn Store,
    business_id: &str,
    subs: &[WabaSubscription],
) -> Result<Option<App>, crate::error::StoreError> {
    match subs.first() {
        Some(s) => store.app(&s.app_id).await,
        None => Ok(store.list_apps(Some(business_id)).await?.into_iter().next()),
    }
}

/// A WABA whose last subscribed app was removed (`DELETE /{waba-id}/subscribed_apps`) gets no
/// webhooks until an app subscribes again, as on Meta's platform. A WABA that never had a
/// subscription is not held: the sandbox delivers to its business's app callback without the
/// step, so a first conversation needs no set-up.
pub async fn waba_unsubscribed(store: &dyn Store, waba_id: &str) -> Result<bool, crate::error::StoreError> {
    Ok(store.setting(&unsubscribed_key(waba_id)).await?.is_some_and(|v| v == "1"))
}

fn unsubscribed_key(waba_id: &str) -> String {
    format!("waba_unsubscribed:{waba_id}")
}

#[derive(Clone)]
pub struct WebhookService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    control: Arc<dyn WebhookControl>,
}

impl WebhookService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, control: Arc<dyn WebhookControl>) -> Self {
        WebhookService { store, clock, control }
    }

    /// Set `app`'s callback for `whatsapp_business_account` changes (handshake first); `fields`
    /// empty means every field.
    pub async fn subscribe_app(
        &self,
        app: &App,
        url: &str,
        verify_token: &str,
        fields: Vec<String>,
    ) -> Result<AppSubscription, ApiError> {
        self.control.verify_callback(url, verify_token).await?;
        let now = self.clock.now_ms();
        let existing = self.store.app_subscriptions(Some(&app.id), None).await?;
        let created_at = existing.iter().find(|s| s.object == WABA_OBJECT).map(|s| s.created_at).unwrap_or(now);
        let sub = AppSubscription {
            app_id: app.id.clone(),
            business_id: app.business_id.clone(),
            object: WABA_OBJECT.into(),
            callback_url: url.to_string(),
            verify_token: verify_token.to_string(),
            fields,
            created_at,
            updated_at: now,
        };
        self.store.put_app_subscription(&sub).await?;
        self.changed();
        Ok(sub)
    }

    /// The subscriptions of one app, or of every app of a business (`None`: every business).
    pub async fn app_subscriptions(
        &self,
        app_id: Option<&str>,
        scope: Option<&str>,
    ) -> Result<Vec<AppSubscription>, ApiError> {
        Ok(self.store.app_subscriptions(app_id, scope).await?)
    }

    pub async fn unsubscribe_app(&self, app: &App) -> Result<(), ApiError> {
        self.store.delete_app_subscription(&app.id, WABA_OBJECT).await?;
        self.control.targets_changed();
        Ok(())
    }

    /// Subscribe `app` to the WABA, with an override callback (`(url, verify_token)`, handshake
    /// first) or without one.
    pub async fn subscribe_waba(
        &self,
        waba: &Waba,
        app: &App,
        override_callback: Option<(&str, &str)>,
    ) -> Result<(), ApiError> {
        if let Some((url, token)) = override_callback {
            self.control.verify_callback(url, token).await?;
        }
        let existing = self.store.waba_subscriptions(&waba.id).await?;
        let created_at =
            existing.iter().find(|s| s.app_id == app.id).map(|s| s.created_at).unwrap_or_else(|| self.clock.now_ms());
        self.store
            .put_waba_subscription(&WabaSubscription {
                waba_id: waba.id.clone(),
                app_id: app.id.clone(),
                business_id: waba.business_id.clone(),
                override_callback_uri: override_callback.map(|(u, _)| u.to_string()),
                verify_token: override_callback.map(|(_, t)| t.to_string()),
                created_at,
            })
            .await?;
        if waba_unsubscribed(self.store.as_ref(), &waba.id).await? {
            self.store.set_setting(&unsubscribed_key(&waba.id), "0").await?;
        }
        self.changed();
        Ok(())
    }

    /// Apps subscribed to a WABA, oldest first, with their names.
    pub async fn subscribed_apps(&self, waba: &Waba) -> Result<Vec<SubscribedApp>, ApiError> {
        let mut out = Vec::new();
        for s in self.store.waba_subscriptions(&waba.id).await? {
            let app_name = self.store.app(&s.app_id).await?.map(|a| a.name).unwrap_or_default();
            out.push(SubscribedApp { subscription: s, app_name });
        }
        Ok(out)
    }

    pub async fn unsubscribe_waba(&self, waba: &Waba, app: &App) -> Result<(), ApiError> {
        self.store.delete_waba_subscription(&waba.id, &app.id).await?;
        if self.store.waba_subscriptions(&waba.id).await?.is_empty() {
            self.store.set_setting(&unsubscribed_key(&waba.id), "1").await?;
        }
        self.control.targets_changed();
        Ok(())
    }

    /// Set (`Some((url, verify_token))`, handshake first) or remove (`None`) a number's
    /// override callback.
    pub async fn set_number_override(
        &self,
        phone: &PhoneNumber,
        override_callback: Option<(&str, &str)>,
    ) -> Result<(), ApiError> {
        match override_callback {
            None => {
                self.store.delete_number_override(&phone.id).await?;
            }
            Some((url, token)) => {
                self.control.verify_callback(url, token).await?;
                self.store
                    .put_number_override(&NumberOverride {
                        phone_number_id: phone.id.clone(),
                        waba_id: phone.waba_id.clone(),
                        business_id: phone.business_id.clone(),
                        callback_url: url.to_string(),
                        verify_token: token.to_string(),
                        created_at: self.clock.now_ms(),
                    })
                    .await?;
            }
        }
        self.changed();
        Ok(())
    }

    /// The callback at each level that has one for a number.
    pub async fn callback_levels(&self, phone: &PhoneNumber) -> Result<CallbackLevels, ApiError> {
        let apps = self.store.app_subscriptions(None, Some(&phone.business_id)).await?;
        let wabas = self.store.waba_subscriptions(&phone.waba_id).await?;
        Ok(CallbackLevels {
            application: apps.into_iter().find(|a| a.object == WABA_OBJECT).map(|a| a.callback_url),
            whatsapp_business_account: wabas.into_iter().find_map(|w| w.override_callback_uri),
            phone_number: self.store.number_override(&phone.id).await?.map(|o| o.callback_url),
        })
    }

    /// Where events go changed: look the targets up again and deliver what waits.
    fn changed(&self) {
        self.control.targets_changed();
        self.control.wake();
    }
}

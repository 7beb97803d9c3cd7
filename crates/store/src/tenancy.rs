//! Tenancy and settings storage, written once for both engines.

use async_trait::async_trait;
use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::db::Plan;
use crate::params;
use crate::sql::tenancy::*;
use crate::value::Row;
use crate::SqlStore;

fn object_plan(id: &str, kind: ObjectKind, business_id: &str) -> Plan {
    Plan::one(INSERT_OBJECT, params![id, kind.as_str(), business_id])
}

fn business(r: &Row) -> StoreResult<Business> {
    Ok(Business { id: r.text(0)?, name: r.text(1)?, created_at: r.i64(2)? })
}

fn waba(r: &Row) -> StoreResult<Waba> {
    Ok(Waba {
        id: r.text(0)?,
        business_id: r.text(1)?,
        name: r.text(2)?,
        currency: r.text(3)?,
        timezone_id: r.text(4)?,
        message_template_namespace: r.text(5)?,
        created_at: r.i64(6)?,
    })
}

fn phone(r: &Row) -> StoreResult<PhoneNumber> {
    Ok(PhoneNumber {
        id: r.text(0)?,
        waba_id: r.text(1)?,
        business_id: r.text(2)?,
        number: r.text(3)?,
        verified_name: r.text(4)?,
        quality_rating: r.text(5)?,
        code_verification_status: r.text(6)?,
        name_status: r.text(7)?,
        status: r.text(8)?,
        throughput_level: r.text(9)?,
        messaging_limit_tier: r.text(10)?,
        account_mode: r.text(11)?,
        created_at: r.i64(12)?,
        registered: r.bool(13)?,
        pin_enabled: r.bool(14)?,
        new_name_status: r.text(15)?,
        requested_name: r.opt_text(16)?,
        official: r.bool(17)?,
    })
}

fn app(r: &Row) -> StoreResult<App> {
    Ok(App { id: r.text(0)?, business_id: r.text(1)?, name: r.text(2)?, app_secret: r.text(3)?, created_at: r.i64(4)? })
}

fn token(r: &Row) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        id: r.text(0)?,
        business_id: r.text(1)?,
        name: r.text(2)?,
        token_hash: r.text(3)?,
        permissions: Permission::parse_list(&r.text(4)?).map_err(StoreError::Database)?,
        created_at: r.i64(5)?,
        revoked_at: r.opt_i64(6)?,
        expires_at: r.opt_i64(7)?,
    })
}

fn all<T>(rows: Vec<Row>, f: fn(&Row) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.iter().map(f).collect()
}

fn first<T>(rows: Vec<Row>, f: fn(&Row) -> StoreResult<T>) -> StoreResult<Option<T>> {
    rows.first().map(f).transpose()
}

impl SqlStore {
    fn reveal_app(&self, mut a: App) -> StoreResult<App> {
        a.app_secret = self.reveal(crate::secrets::APP_SECRET, a.app_secret)?;
        Ok(a)
    }
}

#[async_trait]
impl TenancyStore for SqlStore {
    async fn create_business(&self, b: &Business) -> StoreResult<()> {
        let mut plan = object_plan(&b.id, ObjectKind::Business, &b.id);
        plan.push(INSERT_BUSINESS, params![&b.id, &b.name, b.created_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn create_waba(&self, w: &Waba) -> StoreResult<()> {
        let mut plan = object_plan(&w.id, ObjectKind::Waba, &w.business_id);
        plan.push(
            INSERT_WABA,
            params![
                &w.id,
                &w.business_id,
                &w.name,
                &w.currency,
                &w.timezone_id,
                &w.message_template_namespace,
                w.created_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn create_phone_number(&self, p: &PhoneNumber) -> StoreResult<()> {
        let mut plan = object_plan(&p.id, ObjectKind::PhoneNumber, &p.business_id);
        plan.push(
            INSERT_PHONE_NUMBER,
            params![
                &p.id,
                &p.waba_id,
                &p.business_id,
                &p.number,
                &p.verified_name,
                &p.quality_rating,
                &p.code_verification_status,
                &p.name_status,
                &p.status,
                &p.throughput_level,
                &p.messaging_limit_tier,
                &p.account_mode,
                p.created_at,
                p.registered,
                p.pin_enabled,
                &p.new_name_status,
                p.requested_name.as_deref(),
                p.official
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn create_app(&self, a: &App) -> StoreResult<()> {
        let mut plan = object_plan(&a.id, ObjectKind::App, &a.business_id);
        let secret = self.seal(crate::secrets::APP_SECRET, &a.app_secret)?;
        plan.push(INSERT_APP, params![&a.id, &a.business_id, &a.name, secret, a.created_at]);
        self.db.write(plan).await.map(|_| ())
    }

    async fn create_token(&self, t: &TokenRecord) -> StoreResult<()> {
        let plan = Plan::one(
            INSERT_TOKEN,
            params![
                &t.id,
                &t.business_id,
                &t.name,
                &t.token_hash,
                Permission::join(&t.permissions),
                t.created_at,
                t.revoked_at,
                t.expires_at
            ],
        );
        self.db.write(plan).await.map(|_| ())
    }

    async fn list_businesses(&self) -> StoreResult<Vec<Business>> {
        all(self.db.query(BUSINESSES, vec![]).await?, business)
    }

    async fn list_wabas(&self, business_id: Option<&str>) -> StoreResult<Vec<Waba>> {
        let rows = self.db.query(WABAS, params![business_id]).await?;
        all(rows, waba)
    }

    async fn list_apps(&self, business_id: Option<&str>) -> StoreResult<Vec<App>> {
        let rows = self.db.query(APPS, params![business_id]).await?;
        all(rows, app)?.into_iter().map(|a| self.reveal_app(a)).collect()
    }

    async fn list_tokens(&self, business_id: Option<&str>) -> StoreResult<Vec<TokenRecord>> {
        let rows = self.db.query(TOKENS, params![business_id]).await?;
        all(rows, token)
    }

    async fn list_phone_numbers(&self, business_id: Option<&str>) -> StoreResult<Vec<PhoneNumber>> {
        let rows = self.db.query(PHONE_NUMBERS, params![business_id]).await?;
        all(rows, phone)
    }

    async fn page_phone_numbers(&self, waba_id: &str, page: &PageRequest) -> StoreResult<Page<PhoneNumber>> {
        let limit = page.limit as i64 + 1;
        let backwards = page.before.is_some() && page.after.is_none();
        let mut rows = if backwards {
            self.db.query(PHONE_NUMBERS_BEFORE, params![waba_id, page.before.as_deref(), limit]).await?
        } else {
            self.db.query(PHONE_NUMBERS_AFTER, params![waba_id, page.after.as_deref(), limit]).await?
        };
        let more = rows.len() > page.limit;
        rows.truncate(page.limit);
        if backwards {
            rows.reverse();
        }
        let items = all(rows, phone)?;
        Ok(if backwards {
            Page { items, has_more_before: more, has_more_after: true }
        } else {
            Page { items, has_more_after: more, has_more_before: page.after.is_some() }
        })
    }

    async fn object(&self, id: &str) -> StoreResult<Option<ObjectRef>> {
        let row = self.db.query_opt(OBJECT, params![id]).await?;
        row.map(|r| {
            let kind = ObjectKind::parse(&r.text(1)?)
                .ok_or_else(|| StoreError::Database(format!("unknown object kind for {id}")))?;
            Ok(ObjectRef { id: r.text(0)?, kind, business_id: r.text(2)? })
        })
        .transpose()
    }

    async fn business(&self, id: &str) -> StoreResult<Option<Business>> {
        first(self.db.query(BUSINESS, params![id]).await?, business)
    }

    async fn waba(&self, id: &str) -> StoreResult<Option<Waba>> {
        first(self.db.query(WABA, params![id]).await?, waba)
    }

    async fn phone_number(&self, id: &str) -> StoreResult<Option<PhoneNumber>> {
        first(self.db.query(PHONE_NUMBER, params![id]).await?, phone)
    }

    async fn phone_number_by_number(&self, number: &str) -> StoreResult<Option<PhoneNumber>> {
        first(self.db.query(PHONE_NUMBER_BY_NUMBER, params![number]).await?, phone)
    }

    async fn app(&self, id: &str) -> StoreResult<Option<App>> {
        first(self.db.query(APP, params![id]).await?, app)?.map(|a| self.reveal_app(a)).transpose()
    }

    async fn token_by_hash(&self, hash: &str) -> StoreResult<Option<TokenRecord>> {
        first(self.db.query(TOKEN_BY_HASH, params![hash]).await?, token)
    }

    async fn revoke_token(&self, id: &str, at: i64) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(REVOKE_TOKEN, params![at, id])).await?;
        Ok(out.first().map(|o| o.affected > 0).unwrap_or(false))
    }

    async fn expire_token(&self, id: &str, at: Option<i64>) -> StoreResult<bool> {
        let out = self.db.write(Plan::one(EXPIRE_TOKEN, params![at, id])).await?;
        Ok(out.first().map(|o| o.affected > 0).unwrap_or(false))
    }
}

#[async_trait]
impl SettingsStore for SqlStore {
    async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        let row = self.db.query_opt(SETTING, params![key]).await?;
        let stored = row.map(|r| r.text(0)).transpose()?;
        self.reveal_opt(crate::secrets::SETTING_VALUE, stored)
    }

    async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let value = self.seal(crate::secrets::SETTING_VALUE, value)?;
        self.db.write(Plan::one(SET_SETTING, params![key, value])).await.map(|_| ())
    }
}

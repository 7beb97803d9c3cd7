//! One value and row type for both engines, so store methods are written once.

use std::error::Error;

use bytes::BytesMut;
use risala_core::model::{
    FlowStatus, MessageStatus, ParameterFormat, TemplateCategory, TemplateQuality, TemplateStatus, TemplateSubCategory,
    WireName,
};
use risala_core::StoreError;
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};

/// A SQL value. Both engines store ids and text as TEXT, times and counts as 64-bit integers.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    I64(i64),
    F64(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::I64(v as i64)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Value::Null)
    }
}

/// Core's wire enums are stored by their Meta name.
macro_rules! wire_names {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Text(WireName::as_str(v).to_string())
            }
        }
        impl From<&$t> for Value {
            fn from(v: &$t) -> Self {
                Value::Text(WireName::as_str(*v).to_string())
            }
        }
    )*};
}
wire_names!(
    MessageStatus,
    TemplateStatus,
    TemplateQuality,
    TemplateCategory,
    ParameterFormat,
    TemplateSubCategory,
    FlowStatus
);

/// Build a `Vec<Value>` from mixed arguments.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { vec![$($crate::value::Value::from($v)),*] };
}

/// A result row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

fn col_err(i: usize, want: &str, got: &Value) -> StoreError {
    StoreError::Database(format!("column {i}: expected {want}, found {got:?}"))
}

impl Row {
    pub fn get(&self, i: usize) -> &Value {
        self.0.get(i).unwrap_or(&Value::Null)
    }

    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.get(i) {
            Value::Text(s) => Ok(s.clone()),
            Value::I64(n) => Ok(n.to_string()),
            other => Err(col_err(i, "text", other)),
        }
    }

    /// A column holding a wire enum by its Meta name.
    pub fn wire<T: WireName>(&self, i: usize) -> Result<T, StoreError> {
        let s = self.text(i)?;
        T::parse(&s).ok_or_else(|| StoreError::Database(format!("column {i}: unknown value '{s}'")))
    }

    /// A nullable column holding a wire enum.
    pub fn opt_wire<T: WireName>(&self, i: usize) -> Result<Option<T>, StoreError> {
        match self.opt_text(i)? {
            None => Ok(None),
            Some(s) => {
                T::parse(&s).map(Some).ok_or_else(|| StoreError::Database(format!("column {i}: unknown value '{s}'")))
            }
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.get(i) {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub fn i64(&self, i: usize) -> Result<i64, StoreError> {
        match self.get(i) {
            Value::I64(n) => Ok(*n),
            other => Err(col_err(i, "integer", other)),
        }
    }

    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.get(i) {
            Value::Null => Ok(None),
            _ => self.i64(i).map(Some),
        }
    }

    pub fn f64(&self, i: usize) -> Result<f64, StoreError> {
        match self.get(i) {
            Value::F64(n) => Ok(*n),
            Value::I64(n) => Ok(*n as f64),
            other => Err(col_err(i, "float", other)),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.i64(i)? != 0)
    }

    pub fn opt_bool(&self, i: usize) -> Result<Option<bool>, StoreError> {
        Ok(self.opt_i64(i)?.map(|n| n != 0))
    }

    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.get(i) {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(col_err(i, "blob", other)),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::I64(v) => ValueRef::Integer(*v),
            Value::F64(v) => ValueRef::Real(*v),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl Value {
    pub(crate) fn from_sqlite(v: rusqlite::types::ValueRef<'_>) -> Value {
        use rusqlite::types::ValueRef;
        match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::I64(i),
            ValueRef::Real(f) => Value::F64(f),
            // Checked with the standard validation (much faster than the lossy one's scan,
            // which only stays for text that is not UTF-8).
            ValueRef::Text(t) => Value::Text(match std::str::from_utf8(t) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(t).into_owned(),
            }),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }

    pub(crate) fn from_pg(row: &tokio_postgres::Row, i: usize) -> Result<Value, tokio_postgres::Error> {
        let ty = row.columns()[i].type_();
        Ok(match *ty {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::I64),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(|v| Value::I64(v as i64)),
            Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(|v| Value::I64(v as i64)),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(|v| Value::I64(v as i64)),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(Value::F64),
            Type::FLOAT4 => row.try_get::<_, Option<f32>>(i)?.map(|v| Value::F64(v as f64)),
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            _ => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
        }
        .unwrap_or(Value::Null))
    }
}

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::I64(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => v.to_string().to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::F64(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

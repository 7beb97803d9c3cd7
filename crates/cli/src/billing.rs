//! `risala admin rates …` (load and list rate cards) and `risala admin billing invoice …`,
//! directly on the database (the server may be running: a card applies from its date on).

use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Subcommand, ValueEnum};
use risala_core::model::{InvoiceLine, RateCard};
use risala_core::pricing::dates::{format_date, parse_date, parse_month};
use risala_core::pricing::{format_micros, invoice_lines};
use risala_core::store::Store;
use risala_server::Config;
use serde_json::json;

#[derive(Debug, Subcommand)]
pub enum RatesCmd {
    /// Load a rate card (CSV: `country,marketing,utility,authentication,authentication_international`).
    Load {
        /// The CSV file (`rates/sample.csv` is sample data).
        file: std::path::PathBuf,
        /// First day (UTC) the card applies to messages sent, e.g. 2026-10-01.
        #[arg(long)]
        effective: String,
        #[arg(long)]
        json: bool,
    },
    /// The loaded rate cards.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum BillingCmd {
    /// A WABA's invoice for a month: charges per category and country, and totals.
    Invoice {
        #[arg(long)]
        waba: String,
        /// The month (UTC), e.g. 2026-11.
        #[arg(long)]
        month: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

async fn open(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store = risala_server::open_store(config).await.context("opening the database")?;
    Ok(Arc::new(store))
}

pub async fn rates(cmd: RatesCmd, config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    match cmd {
        RatesCmd::Load { file, effective, json } => {
            let from =
                parse_date(&effective).with_context(|| format!("--effective {effective}: expected YYYY-MM-DD"))?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let default_name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let card =
                RateCard::parse_csv(&text, &default_name).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let id = store.load_rate_card(&card, from, risala_core::clock::system_now_ms()).await?;
            let detail = format!("rates={} effective_from={}", card.rates.len(), format_date(from));
            crate::admin_privacy::record(config, "rate_card.load", None, &id, &detail).await?;
            if json {
                let v = json!({"id": id, "name": card.name, "currency": card.currency, "effective_from": format_date(from), "rates": card.rates.len()});
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                println!(
                    "loaded rate card {} ({}, {} rates, {}) effective from {}",
                    card.name,
                    id,
                    card.rates.len(),
                    card.currency,
                    format_date(from)
                );
            }
        }
        RatesCmd::List { json } => {
            let cards = store.rate_cards().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cards)?);
            } else {
                println!("{:<18} {:<24} {:<8} {:<12} {:>6}", "id", "name", "currency", "effective", "rates");
                for c in cards {
                    println!(
                        "{:<18} {:<24} {:<8} {:<12} {:>6}",
                        c.id,
                        c.name,
                        c.currency,
                        format_date(c.effective_from),
                        c.rates
                    );
                }
            }
        }
    }
    Ok(())
}

pub async fn billing(cmd: BillingCmd, config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    match cmd {
        BillingCmd::Invoice { waba, month, format } => {
            let Some((from, to)) = parse_month(&month) else { bail!("--month {month}: expected YYYY-MM") };
            if store.waba(&waba).await?.is_none() {
                bail!("no WABA with id {waba}");
            }
            let cards = store.rate_cards().await?;
            let currency = cards.last().map(|c| c.currency.clone()).unwrap_or_else(|| "USD".into());
            let note = cards.is_empty().then_some(NO_RATE_CARD);
            if note.is_some() && matches!(format, Format::Csv) {
                eprintln!("{NO_RATE_CARD}");
            }
            let lines = invoice_lines(&store.ledger(&waba, from, to).await?);
            print!("{}", render(&waba, &month, &currency, &lines, format, note));
        }
    }
    Ok(())
}

/// What an invoice says when the server has no rate card.
pub const NO_RATE_CARD: &str = "no rate card: prices are zero";

/// The invoice as a table, JSON or CSV, with `note` (a table's first line, JSON's `note`; the
/// caller writes it to stderr for CSV). Amounts are exact decimals of micro-units.
pub fn render(
    waba: &str,
    month: &str,
    currency: &str,
    lines: &[InvoiceLine],
    format: Format,
    note: Option<&str>,
) -> String {
    let total: i64 = lines.iter().map(|l| l.amount_micros).sum();
    let messages: i64 = lines.iter().map(|l| l.messages).sum();
    let billable: i64 = lines.iter().filter(|l| l.pricing_type == "regular").map(|l| l.messages).sum();
    let mut by_category: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
    for l in lines {
        let e = by_category.entry(&l.category).or_default();
        e.0 += l.messages;
        e.1 += l.amount_micros;
    }
    match format {
        Format::Json => {
            let v = json!({
                "waba_id": waba,
                "month": month,
                "currency": currency,
                "lines": lines.iter().map(|l| json!({
                    "category": l.category, "country": l.country, "pricing_type": l.pricing_type,
                    "messages": l.messages, "amount_micros": l.amount_micros, "amount": format_micros(l.amount_micros),
                })).collect::<Vec<_>>(),
                "categories": by_category.iter().map(|(c, (n, a))| json!({
                    "category": c, "messages": n, "amount_micros": a, "amount": format_micros(*a),
                })).collect::<Vec<_>>(),
                "messages": messages,
                "billable_messages": billable,
                "total_micros": total,
                "total": format_micros(total),
                "note": note,
            });
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        Format::Csv => {
            let mut out = String::from("category,country,pricing_type,messages,amount\n");
            for l in lines {
                out.push_str(&format!(
                    "{},{},{},{},{}\n",
                    l.category,
                    l.country,
                    l.pricing_type,
                    l.messages,
                    format_micros(l.amount_micros)
                ));
            }
            out.push_str(&format!("total,,,{messages},{}\n", format_micros(total)));
            out
        }
        Format::Table => {
            let mut out = note.map(|n| format!("NOTE: {n}\n")).unwrap_or_default();
            out.push_str(&format!("Invoice for WABA {waba}, {month} (amounts in {currency})\n\n"));
            out.push_str(&format!(
                "{:<30} {:<8} {:<22} {:>9} {:>14}\n",
                "category", "country", "type", "messages", "amount"
            ));
            for l in lines {
                out.push_str(&format!(
                    "{:<30} {:<8} {:<22} {:>9} {:>14}\n",
                    l.category,
                    l.country,
                    l.pricing_type,
                    l.messages,
                    format_micros(l.amount_micros)
                ));
            }
            out.push('\n');
            for (c, (n, a)) in &by_category {
                out.push_str(&format!("{:<30} {:<8} {:<22} {:>9} {:>14}\n", c, "", "subtotal", n, format_micros(*a)));
            }
            out.push_str(&format!(
                "{:<30} {:<8} {:<22} {:>9} {:>14}\n",
                "TOTAL",
                "",
                "",
                messages,
                format_micros(total)
            ));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(category: &str, country: &str, kind: &str, messages: i64, amount_micros: i64) -> InvoiceLine {
        InvoiceLine {
            category: category.into(),
            country: country.into(),
            pricing_type: kind.into(),
            messages,
            amount_micros,
        }
    }

    #[test]
    fn invoice_formats() {
        let lines = vec![
            line("marketing", "GB", "regular", 2, 105_800),
            line("service", "US", "free_customer_service", 3, 0),
            line("utility", "IN", "regular", 1, 1_400),
        ];
        let csv = render("1", "2026-11", "USD", &lines, Format::Csv, None);
        assert_eq!(
            csv,
            "category,country,pricing_type,messages,amount\nmarketing,GB,regular,2,0.105800\nservice,US,free_customer_service,3,0.000000\nutility,IN,regular,1,0.001400\ntotal,,,6,0.107200\n"
        );
        let v: serde_json::Value =
            serde_json::from_str(&render("1", "2026-11", "USD", &lines, Format::Json, None)).unwrap();
        assert_eq!(v["total_micros"], 107_200);
        assert_eq!(v["total"], "0.107200");
        assert_eq!(v["billable_messages"], 3);
        assert_eq!(
            v["categories"][0],
            json!({"category": "marketing", "messages": 2, "amount_micros": 105_800, "amount": "0.105800"})
        );
        let table = render("1", "2026-11", "USD", &lines, Format::Table, None);
        assert!(table.contains("TOTAL") && table.contains("0.107200") && table.contains("subtotal"), "{table}");
        assert!(!table.contains("NOTE"), "{table}");
        let table = render("1", "2026-11", "USD", &[], Format::Table, Some(NO_RATE_CARD));
        assert!(table.starts_with("NOTE: no rate card: prices are zero\n"), "{table}");
        let v: serde_json::Value =
            serde_json::from_str(&render("1", "2026-11", "USD", &[], Format::Json, Some(NO_RATE_CARD))).unwrap();
        assert_eq!(v["note"], NO_RATE_CARD);
    }
}

//! The dated plan catalog and seat assignments in the database.
//!
//! Seeded at startup from `agentmeter_metrics::catalog::shipped_catalog()` when the table is empty
//! (ids 1.. in the CSV's order on a fresh database); admins edit prices and limits afterwards.

use agentmeter_metrics::catalog::{shipped_catalog, CatalogEntry};
use agentmeter_metrics::rows::{PlanKind, PlanRow};
use anyhow::Context;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::store::plans::{self, PlanFields, PlanRecord};

/// A catalog entry as the API shows and accepts it (without `id` on input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogPlan {
    pub id: i64,
    #[serde(flatten)]
    pub terms: PlanTerms,
}

/// The schema of [`PlanTerms`] with `id` among its properties. Written out because the derived
/// one would be `allOf: [PlanTerms, {id}]`, and `PlanTerms` allows no other property
/// (`deny_unknown_fields`), so no entry with its `id` could match it.
impl utoipa::PartialSchema for CatalogPlan {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
        use utoipa::openapi::RefOr;
        let RefOr::T(Schema::Object(mut plan)) = <PlanTerms as utoipa::PartialSchema>::schema()
        else {
            unreachable!("PlanTerms derives an object schema")
        };
        let id = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)));
        plan.properties.insert("id".to_owned(), id.into());
        plan.required.insert(0, "id".to_owned());
        plan.description = Some("A plan of the catalog: its id and its terms.".to_owned());
        RefOr::T(Schema::Object(plan))
    }
}

impl utoipa::ToSchema for CatalogPlan {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        <PlanTerms as utoipa::ToSchema>::schemas(schemas);
    }
}

/// Everything an admin may set on a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTerms {
    #[schema(pattern = r"\S")]
    pub vendor: String,
    #[schema(pattern = r"\S")]
    pub name: String,
    pub kind: PlanKind,
    #[schema(minimum = 0.0)]
    pub usd_per_seat_month: Option<f64>,
    /// Estimated API-equivalent dollars one 5-hour window allows.
    #[schema(minimum = 0.0)]
    pub limit_5h_usd: Option<f64>,
    /// Estimated API-equivalent dollars one week allows.
    #[schema(minimum = 0.0)]
    pub limit_week_usd: Option<f64>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub notes: String,
}

impl PlanTerms {
    /// Rejects what the engine could not use: empty names, negative or non-finite money,
    /// an end before the start.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::BadRequest(m));
        if self.vendor.trim().is_empty() || self.name.trim().is_empty() {
            return bad("vendor and name must not be empty".into());
        }
        for (field, value) in [
            ("usd_per_seat_month", self.usd_per_seat_month),
            ("limit_5h_usd", self.limit_5h_usd),
            ("limit_week_usd", self.limit_week_usd),
        ] {
            if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return bad(format!("{field} must be a non-negative number of dollars"));
            }
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to) {
            if from > to {
                return bad(format!("valid_from {from} is after valid_to {to}"));
            }
        }
        Ok(())
    }
}

fn kind_text(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Flat => "flat",
        PlanKind::UsageBased => "usage-based",
        PlanKind::NotComparable => "not-comparable",
    }
}

fn plan_of(record: PlanRecord) -> Result<CatalogPlan> {
    let date = |column: &str, text: Option<String>| -> Result<Option<NaiveDate>> {
        text.map(|t| {
            NaiveDate::parse_from_str(&t, "%Y-%m-%d")
                .with_context(|| format!("plan_catalog.{column} {t:?}"))
                .map_err(Error::from)
        })
        .transpose()
    };
    let kind = match record.kind.as_str() {
        "flat" => PlanKind::Flat,
        "usage-based" => PlanKind::UsageBased,
        _ => PlanKind::NotComparable,
    };
    Ok(CatalogPlan {
        id: record.id,
        terms: PlanTerms {
            vendor: record.vendor,
            name: record.name,
            kind,
            usd_per_seat_month: record.usd_per_seat_month,
            limit_5h_usd: record.limit_5h_usd,
            limit_week_usd: record.limit_week_usd,
            valid_from: date("valid_from", record.valid_from)?,
            valid_to: date("valid_to", record.valid_to)?,
            source: record.source,
            notes: record.notes,
        },
    })
}

/// The columns a plan's terms are stored in (names trimmed).
fn fields_of(t: &PlanTerms) -> PlanFields<'_> {
    PlanFields {
        vendor: t.vendor.trim(),
        name: t.name.trim(),
        kind: kind_text(t.kind),
        usd_per_seat_month: t.usd_per_seat_month,
        limit_5h_usd: t.limit_5h_usd,
        limit_week_usd: t.limit_week_usd,
        valid_from: t.valid_from.map(|d| d.to_string()),
        valid_to: t.valid_to.map(|d| d.to_string()),
        source: &t.source,
        notes: &t.notes,
    }
}

/// The whole catalog, by vendor, name and start date.
pub async fn list(db: &Db) -> Result<Vec<CatalogPlan>> {
    plans::list(db).await?.into_iter().map(plan_of).collect()
}

/// One plan.
pub async fn get(db: &Db, id: i64) -> Result<CatalogPlan> {
    plans::find(db, id)
        .await?
        .map(plan_of)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("plan {id}")))
}

/// The catalog as the engine reads it.
pub async fn plan_rows(db: &Db) -> Result<Vec<PlanRow>> {
    let plans = list(db).await?;
    Ok(plans
        .into_iter()
        .map(|p| PlanRow {
            id: p.id,
            vendor: p.terms.vendor,
            name: p.terms.name,
            kind: p.terms.kind,
            usd_per_seat_month: p.terms.usd_per_seat_month,
            limit_5h_usd: p.terms.limit_5h_usd,
            limit_week_usd: p.terms.limit_week_usd,
            valid_from: p.terms.valid_from,
            valid_to: p.terms.valid_to,
            source: p.terms.source,
        })
        .collect())
}

/// Adds a plan; returns its id.
pub async fn create(db: &Db, terms: &PlanTerms) -> Result<i64> {
    terms.validate()?;
    plans::insert(db, &fields_of(terms)).await
}

/// Replaces a plan's terms.
pub async fn update(db: &Db, id: i64, terms: &PlanTerms) -> Result<()> {
    terms.validate()?;
    if !plans::update(db, id, &fields_of(terms)).await? {
        return Err(Error::NotFound(format!("plan {id}")));
    }
    Ok(())
}

/// Fills an empty catalog with the shipped plans and their default limits.
pub async fn seed_if_empty(db: &Db) -> Result<()> {
    if plans::count(db).await? > 0 {
        return Ok(());
    }
    let catalog = shipped_catalog().context("shipped plan catalog")?;
    let terms: Vec<PlanTerms> = catalog
        .into_iter()
        .map(|CatalogEntry { plan: p, notes }| PlanTerms {
            vendor: p.vendor,
            name: p.name,
            kind: p.kind,
            usd_per_seat_month: p.usd_per_seat_month,
            limit_5h_usd: p.limit_5h_usd,
            limit_week_usd: p.limit_week_usd,
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            source: p.source,
            notes,
        })
        .collect();
    let fields: Vec<PlanFields<'_>> = terms.iter().map(fields_of).collect();
    plans::insert_all(db, &fields).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_ending_before_it_starts_or_with_a_negative_price_is_refused() {
        let mut terms = PlanTerms {
            vendor: "Anthropic".into(),
            name: "Claude Pro".into(),
            kind: PlanKind::Flat,
            usd_per_seat_month: Some(20.0),
            limit_5h_usd: Some(10.0),
            limit_week_usd: Some(60.0),
            valid_from: NaiveDate::from_ymd_opt(2026, 2, 1),
            valid_to: NaiveDate::from_ymd_opt(2026, 3, 1),
            source: String::new(),
            notes: String::new(),
        };
        assert!(terms.validate().is_ok());
        terms.usd_per_seat_month = Some(-1.0);
        assert!(
            matches!(terms.validate(), Err(Error::BadRequest(m)) if m.contains("usd_per_seat_month"))
        );
        terms.usd_per_seat_month = Some(20.0);
        terms.valid_to = NaiveDate::from_ymd_opt(2026, 1, 1);
        assert!(terms.validate().is_err());
    }
}

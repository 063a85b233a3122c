//! The cost engine: API-equivalent cost of one billed request, from the price table plus the
//! vendor rules the CSV cannot express (see `shared/pricing/README.md` and `docs/metrics.md`).
//!
//! Public so the server prices stored events with exactly the same code:
//! `let table = PriceTable::builtin(); let usd = cost_usd(&table, &event);`

mod normalize;
mod rules;
mod table;

pub use normalize::candidates as model_id_candidates;
pub use rules::{cost_usd, price_request, PricedRequest, RequestTokens};
pub use table::{ModelPrice, PriceTable, BUILTIN_PRICES_CSV, BUILTIN_PRICES_DATE};

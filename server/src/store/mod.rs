//! Storage: plain async functions over [`Db`](crate::db::Db), one module per resource.

pub mod accounts;
pub mod pool;
pub mod sessions;
pub mod tokens;
pub mod usage;

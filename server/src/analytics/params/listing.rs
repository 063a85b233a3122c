//! Search and pagination of long lists (`q=`, `page=`): the same slice for the page and its
//! links, decided on the server; a CSV download takes the whole filtered list instead.

use crate::error::{Error, Result};

/// Rows per page of every paginated list.
pub const PAGE_SIZE: usize = 50;

/// A list request: an optional case-insensitive search and a 1-based page number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Lower-cased search text; empty matches every row.
    pub q: String,
    /// 1-based page.
    pub page: usize,
}

/// One page of a filtered list, with what the pager needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice<T> {
    pub rows: Vec<T>,
    /// Rows matching the search, over all pages.
    pub matching: usize,
    /// 1-based page shown (the last one when the asked page is past the end).
    pub page: usize,
    /// Index of the first row shown in the filtered list (0-based).
    pub offset: usize,
}

impl Listing {
    /// From the raw `q` and `page` query values; `page` must be a whole number from 1.
    pub fn parse(q: Option<&str>, page: Option<&str>) -> Result<Listing> {
        let page = match page.map(str::trim).filter(|p| !p.is_empty()) {
            None => 1,
            Some(p) => p.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                Error::BadRequest(format!("page must be a whole number from 1, got {p:?}"))
            })?,
        };
        Ok(Listing {
            q: q.map(str::trim).unwrap_or_default().to_lowercase(),
            page,
        })
    }

    /// Whether any of `fields` contains the search text, ignoring case.
    pub fn matches(&self, fields: &[String]) -> bool {
        self.q.is_empty() || fields.iter().any(|f| f.to_lowercase().contains(&self.q))
    }

    /// Rows matching the search (every one, for CSV).
    pub fn filter<T>(&self, rows: Vec<T>, fields: impl Fn(&T) -> Vec<String>) -> Vec<T> {
        rows.into_iter()
            .filter(|r| self.matches(&fields(r)))
            .collect()
    }

    /// The page asked for of the rows matching the search.
    pub fn slice<T>(&self, rows: Vec<T>, fields: impl Fn(&T) -> Vec<String>) -> Slice<T> {
        let matching = self.filter(rows, fields);
        let total = matching.len();
        let last_page = total.div_ceil(PAGE_SIZE).max(1);
        let page = self.page.min(last_page);
        let offset = (page - 1) * PAGE_SIZE;
        Slice {
            rows: matching.into_iter().skip(offset).take(PAGE_SIZE).collect(),
            matching: total,
            page,
            offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("Dev {i:03}")).collect()
    }

    #[test]
    fn the_second_page_of_312_rows_holds_rows_51_to_100() {
        let listing = Listing::parse(None, Some("2")).expect("ok");
        let slice = listing.slice(names(312), |s| vec![s.clone()]);
        assert_eq!((slice.matching, slice.page, slice.offset), (312, 2, 50));
        assert_eq!(slice.rows.first().map(String::as_str), Some("Dev 051"));
        assert_eq!(slice.rows.last().map(String::as_str), Some("Dev 100"));
    }

    #[test]
    fn search_ignores_case_and_a_page_past_the_end_shows_the_last() {
        let listing = Listing::parse(Some(" DEV 1 "), Some("9")).expect("ok");
        // "dev 1" matches Dev 100..=Dev 199 and nothing else of 1..=312.
        let slice = listing.slice(names(312), |s| vec![s.clone()]);
        assert_eq!((slice.matching, slice.page, slice.offset), (100, 2, 50));
        assert_eq!(slice.rows.len(), 50);
    }

    #[test]
    fn a_page_that_is_not_a_positive_number_is_a_bad_request() {
        assert!(Listing::parse(None, Some("0")).is_err());
        assert!(Listing::parse(None, Some("two")).is_err());
        assert_eq!(Listing::parse(None, Some("")).expect("blank").page, 1);
    }
}

//! The library's pages.

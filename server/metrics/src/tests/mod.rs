//! Hand-computed fixtures for every report; each test's comment shows the arithmetic.

mod adoption;
mod fixtures;
mod plans;
mod productivity;
mod reviews;
mod spend;

//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a different subset

use pricing::{Decimal, Dimension, OutOfRangePolicy, PriceMatrix, Unit};

pub const DEMO_GLASS_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/demo-glass.csv"
));
pub const BLINDS_CM_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/blinds-cm.csv"
));
pub const BAD_ROWS_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/bad-rows.csv"
));

pub fn dec(text: &str) -> Decimal {
    text.parse().expect("test decimal")
}

pub fn decs(texts: &[&str]) -> Vec<Decimal> {
    texts.iter().map(|text| dec(text)).collect()
}

pub fn dim(text: &str, unit: Unit) -> Dimension {
    Dimension::parse(text, unit).expect("test dimension")
}

pub fn mm(text: &str) -> Dimension {
    dim(text, Unit::Millimetre)
}

/// The demo matrix of DESIGN.md §3 ("Demo glass", mm, USD cents).
pub fn demo_matrix(policy: OutOfRangePolicy) -> PriceMatrix {
    PriceMatrix::new(
        Unit::Millimetre,
        policy,
        decs(&["300", "600", "900"]),
        decs(&["200", "400", "600"]),
        vec![
            vec![Some(1000), Some(1500), Some(2000)],
            vec![Some(2500), Some(3000), Some(3500)],
            vec![Some(4000), Some(4500), Some(5000)],
        ],
    )
    .expect("demo matrix is valid")
}

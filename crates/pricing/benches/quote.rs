//! Quote computation on square matrices of 3, 20 and 100 breakpoints per axis, with 0 and 5
//! option modifiers. Budget (DESIGN.md §9): < 1 µs for 100×100 with 5 options.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pricing::{
    quote, BasisPoints, Currency, Decimal, Dimension, Modifier, OutOfRangePolicy, PriceMatrix,
    Quantity, Unit,
};

/// An n×n matrix in mm with breakpoints every 10 mm and prices rising along both axes.
fn square_matrix(n: i64) -> PriceMatrix {
    let breakpoints: Vec<Decimal> = (1..=n).map(|i| Decimal::from(i * 10)).collect();
    let cells = (0..n)
        .map(|h| (0..n).map(|w| Some(1_000 + 25 * w + 40 * h)).collect())
        .collect();
    PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        breakpoints.clone(),
        breakpoints,
        cells,
    )
    .expect("benchmark matrix is valid")
}

fn five_modifiers() -> Vec<Modifier> {
    let percent = |bp| Modifier::Percentage(BasisPoints::new(bp).expect("valid basis points"));
    vec![
        Modifier::Fixed(1500),
        percent(2000),
        Modifier::Fixed(-250),
        percent(-1250),
        Modifier::Fixed(500),
    ]
}

fn bench_quote(c: &mut Criterion) {
    let mut group = c.benchmark_group("quote");
    let modifier_sets = [("0 options", Vec::new()), ("5 options", five_modifiers())];
    for n in [3_i64, 20, 100] {
        let matrix = square_matrix(n);
        // A size between breakpoints, two thirds of the way up, requested in inches so the
        // conversion path is measured too.
        let inches = |mm: i64| {
            Dimension::new(Decimal::new(mm * 10_000 / 254, 3), Unit::Inch).expect("valid size")
        };
        let (width, height) = (inches(n * 20 / 3 + 5), inches(n * 20 / 3 + 5));
        let quantity = Quantity::new(3).expect("valid quantity");
        for (label, modifiers) in &modifier_sets {
            // Measure the priced path, not the out-of-range error path.
            quote(&matrix, Currency::USD, width, height, quantity, modifiers)
                .expect("size is inside the matrix");
            let id = BenchmarkId::new(format!("{n}x{n}"), label);
            group.bench_with_input(id, modifiers, |b, modifiers| {
                b.iter(|| {
                    quote(
                        black_box(&matrix),
                        black_box(Currency::USD),
                        black_box(width),
                        black_box(height),
                        black_box(quantity),
                        black_box(modifiers),
                    )
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_quote);
criterion_main!(benches);

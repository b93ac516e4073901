//! Property tests: lookup against a brute-force reference, monotonicity, CSV round trips,
//! exact unit conversion and money text round trips.

use pricing::csv;
use pricing::{Currency, Decimal, Dimension, Money, OutOfRangePolicy, PriceMatrix, Unit};
use proptest::prelude::*;

fn unit() -> impl Strategy<Value = Unit> {
    prop::sample::select(Unit::ALL.to_vec())
}

fn policy() -> impl Strategy<Value = OutOfRangePolicy> {
    prop_oneof![
        Just(OutOfRangePolicy::Reject),
        Just(OutOfRangePolicy::Clamp)
    ]
}

/// Millimetres per unit, written independently of the crate: the spec's conversion table.
fn millimetres_per(unit: Unit) -> Decimal {
    let text = match unit {
        Unit::Millimetre => "1",
        Unit::Centimetre => "10",
        Unit::Metre => "1000",
        Unit::Inch => "25.4",
        Unit::Foot => "304.8",
    };
    text.parse().unwrap()
}

/// A dimension from a whole number of ten-thousandths of `unit`.
fn dimension(ten_thousandths: i64, unit: Unit) -> Dimension {
    Dimension::new(Decimal::new(ten_thousandths, 4), unit).unwrap()
}

fn any_dimension() -> impl Strategy<Value = Dimension> {
    (1..=10_000_000_000_i64, unit()).prop_map(|(n, unit)| dimension(n, unit))
}

/// 1–8 strictly increasing breakpoints up to 500 units, as ten-thousandths.
fn axis() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::btree_set(1..=5_000_000_i64, 1..=8).prop_map(|set| set.into_iter().collect())
}

fn matrix_with(prices: impl Strategy<Value = i64> + Clone) -> impl Strategy<Value = PriceMatrix> {
    (unit(), policy(), axis(), axis()).prop_flat_map(move |(unit, policy, widths, heights)| {
        let cells = prop::collection::vec(
            prop::collection::vec(prices.clone().prop_map(Some), widths.len()),
            heights.len(),
        );
        cells.prop_map(move |cells| {
            let decimals = |axis: &[i64]| axis.iter().map(|n| Decimal::new(*n, 4)).collect();
            PriceMatrix::new(unit, policy, decimals(&widths), decimals(&heights), cells).unwrap()
        })
    })
}

/// A request near the matrix: often exactly a breakpoint (in the matrix unit), otherwise any
/// size up to 600 units in any unit.
fn request(breakpoints: Vec<Dimension>) -> impl Strategy<Value = Dimension> {
    prop_oneof![
        prop::sample::select(breakpoints),
        (1..=6_000_000_i64, unit()).prop_map(|(n, unit)| dimension(n, unit)),
    ]
}

/// The rule of DESIGN §3 by linear scan: the first breakpoint at least as long, else the last
/// under clamp, else nothing.
fn reference_index(
    breakpoints: &[Dimension],
    request: Dimension,
    policy: OutOfRangePolicy,
) -> Option<usize> {
    let first_not_shorter = breakpoints
        .iter()
        .position(|b| b.base_units() >= request.base_units());
    match (first_not_shorter, policy) {
        (Some(index), _) => Some(index),
        (None, OutOfRangePolicy::Clamp) => Some(breakpoints.len() - 1),
        (None, OutOfRangePolicy::Reject) => None,
    }
}

fn matrix_and_requests() -> impl Strategy<Value = (PriceMatrix, Dimension, Dimension)> {
    matrix_with(0..=1_000_000_i64).prop_flat_map(|matrix| {
        let (widths, heights) = (matrix.widths().to_vec(), matrix.heights().to_vec());
        (Just(matrix), request(widths), request(heights))
    })
}

/// Nondecreasing along both axes: a sum of a nondecreasing row part and column part.
fn monotone_matrix() -> impl Strategy<Value = PriceMatrix> {
    (unit(), axis(), axis()).prop_flat_map(|(unit, widths, heights)| {
        let steps = |n: usize| prop::collection::vec(0..=10_000_i64, n);
        (steps(widths.len()), steps(heights.len())).prop_map(move |(width_steps, height_steps)| {
            let running = |steps: &[i64]| {
                steps
                    .iter()
                    .scan(0, |sum, step| {
                        *sum += step;
                        Some(*sum)
                    })
                    .collect::<Vec<i64>>()
            };
            let (by_width, by_height) = (running(&width_steps), running(&height_steps));
            let cells = by_height
                .iter()
                .map(|h| by_width.iter().map(|w| Some(w + h)).collect())
                .collect();
            let decimals = |axis: &[i64]| axis.iter().map(|n| Decimal::new(*n, 4)).collect();
            PriceMatrix::new(
                unit,
                OutOfRangePolicy::Clamp,
                decimals(&widths),
                decimals(&heights),
                cells,
            )
            .unwrap()
        })
    })
}

proptest! {
    #[test]
    fn lookup_equals_the_brute_force_reference((matrix, width, height) in matrix_and_requests()) {
        let expected_width = reference_index(matrix.widths(), width, matrix.policy());
        let expected_height = reference_index(matrix.heights(), height, matrix.policy());
        match (matrix.lookup(width, height), expected_width, expected_height) {
            (Ok(hit), Some(w), Some(h)) => {
                prop_assert_eq!((hit.width_index, hit.height_index), (w, h));
                prop_assert_eq!(hit.width, matrix.widths()[w]);
                prop_assert_eq!(hit.height, matrix.heights()[h]);
                prop_assert_eq!(Some(hit.price_minor), matrix.price_minor(w, h));
            }
            (Err(error), w, h) => {
                prop_assert!(w.is_none() || h.is_none());
                prop_assert_eq!(error.axes().len(), usize::from(w.is_none()) + usize::from(h.is_none()));
            }
            (Ok(hit), w, h) => prop_assert!(false, "found {:?}, reference {:?} {:?}", hit, w, h),
        }
    }

    #[test]
    fn monotone_matrix_gives_monotone_prices(
        matrix in monotone_matrix(),
        (a, b, c) in (any_dimension(), any_dimension(), any_dimension()),
    ) {
        let (short, long) = if a.cmp_length(&b).is_le() { (a, b) } else { (b, a) };
        let price = |width, height| matrix.lookup(width, height).map(|hit| hit.price_minor).unwrap();
        prop_assert!(price(short, c) <= price(long, c));
        prop_assert!(price(c, short) <= price(c, long));
    }

    #[test]
    fn csv_export_then_import_is_the_identity(
        matrix in matrix_with(0..=i64::MAX),
        currency in prop::sample::select(Currency::all().to_vec()),
    ) {
        let text = csv::export(&matrix, currency);
        let back = csv::import_matrix(text.as_bytes(), matrix.unit(), matrix.policy(), currency);
        prop_assert_eq!(back, Ok(matrix));
    }

    #[test]
    fn base_units_are_the_exact_length_in_angstroms(n in 1..=10_000_000_000_i64, unit in unit()) {
        let dimension = dimension(n, unit);
        let angstroms = dimension.value() * millimetres_per(unit) * Decimal::from(10_000_000);
        prop_assert_eq!(Decimal::from(dimension.base_units()), angstroms);
    }

    #[test]
    fn unit_conversion_round_trips_exactly_through_base_units(original in any_dimension(), target in unit()) {
        let converted = original.to_unit(target);
        let exact = converted * millimetres_per(target) == original.value() * millimetres_per(original.unit());
        if exact {
            // Exact conversions are the same length: equal base units, and back again unchanged.
            if let Ok(same_length) = Dimension::new(converted, target) {
                prop_assert_eq!(same_length.base_units(), original.base_units());
                prop_assert_eq!(same_length.to_unit(original.unit()), original.value());
            }
        } else {
            // Otherwise it is the display rounding: 4 decimals, within half a ten-thousandth.
            prop_assert!(converted.scale() <= 4);
            let error_mm = (converted * millimetres_per(target) - original.value() * millimetres_per(original.unit())).abs();
            prop_assert!(error_mm <= Decimal::new(5, 5) * millimetres_per(target));
        }
    }

    #[test]
    fn dimension_text_round_trips(original in any_dimension()) {
        let text = original.value().to_string();
        prop_assert_eq!(Dimension::parse(&text, original.unit()), Ok(original));
    }

    #[test]
    fn money_display_then_parse_round_trips(
        minor in any::<i64>(),
        currency in prop::sample::select(Currency::all().to_vec()),
    ) {
        let money = Money::from_minor(minor, currency);
        let text = money.to_string();
        prop_assert_eq!(Money::parse(&text, currency), Ok(money));
        prop_assert_eq!(money.to_decimal().to_string(), text);
    }

    #[test]
    fn money_parse_then_display_round_trips(
        negative in any::<bool>(),
        major in 0..=1_000_000_000_000_u64,
        fraction in 0..=99_u64,
    ) {
        let text = format!("{}{major}.{fraction:02}", if negative && (major, fraction) != (0, 0) { "-" } else { "" });
        prop_assert_eq!(Money::parse(&text, Currency::USD).unwrap().to_string(), text);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = Money::parse(&text, Currency::KWD);
        let _ = Dimension::parse(&text, Unit::Inch);
        let _ = pricing::BasisPoints::parse_percent(&text);
        let _ = csv::parse_grid(text.as_bytes(), Unit::Millimetre, Currency::USD);
    }
}

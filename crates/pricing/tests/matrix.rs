//! Matrix construction (every problem at once) and lookup per DESIGN.md §3.

mod common;

use common::{dec, decs, demo_matrix, dim, mm};
use pricing::{
    Axis, DimensionError, MatrixProblem, OutOfRangePolicy, PriceMatrix, Unit, MAX_BREAKPOINTS,
};

fn problems(result: Result<PriceMatrix, pricing::MatrixError>) -> Vec<MatrixProblem> {
    result.expect_err("matrix should be invalid").problems
}

#[test]
fn exact_match_uses_that_breakpoint() {
    let hit = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("600"), mm("400"))
        .unwrap();
    assert_eq!(
        (hit.width_index, hit.height_index, hit.price_minor),
        (1, 1, 3000)
    );
    assert_eq!((hit.width, hit.height), (mm("600"), mm("400")));
}

#[test]
fn between_two_breakpoints_rounds_up() {
    let hit = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("450"), mm("250"))
        .unwrap();
    assert_eq!(
        (hit.width, hit.height, hit.price_minor),
        (mm("600"), mm("400"), 3000)
    );
    let just_above = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("300.0001"), mm("200"))
        .unwrap();
    assert_eq!(just_above.price_minor, 1500);
}

#[test]
fn below_the_first_breakpoint_uses_the_first() {
    let hit = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("100"), mm("100"))
        .unwrap();
    assert_eq!(
        (hit.width, hit.height, hit.price_minor),
        (mm("300"), mm("200"), 1000)
    );
    assert_eq!(
        demo_matrix(OutOfRangePolicy::Reject)
            .lookup(mm("0.0001"), mm("0.0001"))
            .unwrap()
            .price_minor,
        1000
    );
}

#[test]
fn the_last_breakpoint_itself_is_in_range() {
    let hit = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("900"), mm("600"))
        .unwrap();
    assert_eq!(hit.price_minor, 5000);
}

#[test]
fn above_the_last_breakpoint_is_rejected_with_the_allowed_range() {
    let error = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("1000"), mm("400"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "width 1000 mm is larger than the maximum width 900 mm (allowed range: 300 mm to 900 mm)"
    );
    assert_eq!(error.axes().len(), 1);
    assert_eq!(error.axes()[0].axis, Axis::Width);
    assert_eq!(
        (error.axes()[0].min, error.axes()[0].max),
        (mm("300"), mm("900"))
    );
}

#[test]
fn both_axes_out_of_range_are_both_reported() {
    let error = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(mm("900.0001"), mm("601"))
        .unwrap_err();
    let axes: Vec<Axis> = error.axes().iter().map(|exceeded| exceeded.axis).collect();
    assert_eq!(axes, [Axis::Width, Axis::Height]);
    assert_eq!(
        error.to_string(),
        "width 900.0001 mm is larger than the maximum width 900 mm (allowed range: 300 mm to 900 mm); \
         height 601 mm is larger than the maximum height 600 mm (allowed range: 200 mm to 600 mm)"
    );
}

#[test]
fn out_of_range_in_another_unit_shows_the_conversion() {
    let error = demo_matrix(OutOfRangePolicy::Reject)
        .lookup(dim("40", Unit::Inch), mm("400"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "width 40 in (1016 mm) is larger than the maximum width 900 mm (allowed range: 300 mm to 900 mm)"
    );
}

#[test]
fn clamp_uses_the_last_breakpoint() {
    let matrix = demo_matrix(OutOfRangePolicy::Clamp);
    let hit = matrix.lookup(mm("5000"), mm("250")).unwrap();
    assert_eq!(
        (hit.width, hit.height, hit.price_minor),
        (mm("900"), mm("400"), 3500)
    );
    assert_eq!(
        matrix
            .lookup(mm("1000000"), mm("1000000"))
            .unwrap()
            .price_minor,
        5000
    );
}

#[test]
fn requests_in_other_units_are_converted_exactly() {
    let matrix = demo_matrix(OutOfRangePolicy::Reject);
    // 60 cm = 600 mm exactly: the exact breakpoint, not the next one.
    assert_eq!(
        matrix
            .lookup(dim("60", Unit::Centimetre), dim("0.4", Unit::Metre))
            .unwrap()
            .price_minor,
        3000
    );
    // 23.622 in = 599.9988 mm → 600; 23.6221 in = 600.00134 mm → 900.
    assert_eq!(
        matrix
            .lookup(dim("23.622", Unit::Inch), mm("400"))
            .unwrap()
            .width,
        mm("600")
    );
    assert_eq!(
        matrix
            .lookup(dim("23.6221", Unit::Inch), mm("400"))
            .unwrap()
            .width,
        mm("900")
    );
    // 1 ft = 304.8 mm → 600; 0.9 m = 900 mm → exact.
    let hit = matrix
        .lookup(dim("1", Unit::Foot), dim("0.6", Unit::Metre))
        .unwrap();
    assert_eq!(
        (hit.width, hit.height, hit.price_minor),
        (mm("600"), mm("600"), 4500)
    );
}

#[test]
fn inch_matrix_matches_millimetre_requests_exactly() {
    let matrix = PriceMatrix::new(
        Unit::Inch,
        OutOfRangePolicy::Reject,
        decs(&["12", "24"]),
        decs(&["10"]),
        vec![vec![Some(100), Some(200)]],
    )
    .unwrap();
    assert_eq!(
        matrix.lookup(mm("304.8"), mm("254")).unwrap().price_minor,
        100
    );
    assert_eq!(
        matrix
            .lookup(mm("304.8001"), mm("254"))
            .unwrap()
            .price_minor,
        200
    );
}

#[test]
fn accessors_describe_the_matrix() {
    let matrix = demo_matrix(OutOfRangePolicy::Reject);
    assert_eq!(matrix.unit(), Unit::Millimetre);
    assert_eq!(matrix.policy(), OutOfRangePolicy::Reject);
    assert_eq!(matrix.widths(), [mm("300"), mm("600"), mm("900")]);
    assert_eq!(matrix.heights(), [mm("200"), mm("400"), mm("600")]);
    assert_eq!(matrix.price_minor(2, 0), Some(2000));
    assert_eq!(matrix.price_minor(0, 2), Some(4000));
    assert_eq!(matrix.price_minor(3, 0), None);
    assert_eq!(matrix.price_minor(0, 3), None);
    let range = matrix.range();
    assert_eq!((range.min_width, range.max_width), (mm("300"), mm("900")));
    assert_eq!((range.min_height, range.max_height), (mm("200"), mm("600")));
    let prices: Vec<i64> = matrix.cells().map(|cell| cell.price_minor).collect();
    assert_eq!(
        prices,
        [1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]
    );
    let clamped = matrix.with_policy(OutOfRangePolicy::Clamp);
    assert_eq!(clamped.policy(), OutOfRangePolicy::Clamp);
}

#[test]
fn policy_reads_and_writes_its_name() {
    assert_eq!(OutOfRangePolicy::default(), OutOfRangePolicy::Reject);
    for policy in [OutOfRangePolicy::Reject, OutOfRangePolicy::Clamp] {
        assert_eq!(policy.to_string().parse::<OutOfRangePolicy>(), Ok(policy));
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(json, format!("\"{policy}\""));
        assert_eq!(
            serde_json::from_str::<OutOfRangePolicy>(&json).unwrap(),
            policy
        );
    }
    assert_eq!(
        "Clamp".parse::<OutOfRangePolicy>().unwrap_err().to_string(),
        "unknown out-of-range policy 'Clamp': use reject or clamp"
    );
}

#[test]
fn a_one_by_one_matrix_works() {
    let matrix = PriceMatrix::new(
        Unit::Metre,
        OutOfRangePolicy::Reject,
        decs(&["1"]),
        decs(&["2"]),
        vec![vec![Some(0)]],
    )
    .unwrap();
    assert_eq!(
        matrix
            .lookup(dim("0.5", Unit::Metre), dim("2", Unit::Metre))
            .unwrap()
            .price_minor,
        0
    );
    assert!(matrix
        .lookup(dim("1.0001", Unit::Metre), dim("2", Unit::Metre))
        .is_err());
}

#[test]
fn reports_every_problem_at_once() {
    let found = problems(PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        decs(&["300", "0", "200", "400.00001"]),
        decs(&["200", "200"]),
        vec![
            vec![Some(1), None, Some(-5), Some(1)],
            vec![Some(1), Some(1), Some(1)],
        ],
    ));
    assert_eq!(
        found,
        vec![
            MatrixProblem::InvalidBreakpoint {
                axis: Axis::Width,
                position: 2,
                reason: DimensionError::NotPositive {
                    value: "0".into(),
                    unit: Unit::Millimetre
                },
            },
            MatrixProblem::InvalidBreakpoint {
                axis: Axis::Width,
                position: 4,
                reason: DimensionError::TooManyDecimals {
                    value: "400.00001".into(),
                    unit: Unit::Millimetre
                },
            },
            MatrixProblem::NotIncreasing {
                axis: Axis::Width,
                position: 2,
                value: dec("0"),
                previous: dec("300"),
                unit: Unit::Millimetre,
            },
            MatrixProblem::NotIncreasing {
                axis: Axis::Height,
                position: 2,
                value: dec("200"),
                previous: dec("200"),
                unit: Unit::Millimetre,
            },
            MatrixProblem::MissingCell {
                width: dec("0"),
                height: dec("200"),
                unit: Unit::Millimetre
            },
            MatrixProblem::NegativePrice {
                width: dec("200"),
                height: dec("200"),
                unit: Unit::Millimetre,
                price_minor: -5,
            },
            MatrixProblem::WrongCellCount {
                height: dec("200"),
                unit: Unit::Millimetre,
                expected: 4,
                found: 3
            },
        ]
    );
}

#[test]
fn problem_messages_tell_the_merchant_what_to_fix() {
    let error = PriceMatrix::new(
        Unit::Centimetre,
        OutOfRangePolicy::Reject,
        decs(&["10", "5"]),
        decs(&["20"]),
        vec![vec![Some(100), None]],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the price matrix is not valid: width breakpoint 2 (5 cm) must be larger than the one before it (10 cm): \
         breakpoints must be strictly increasing; no price for width 5 cm × height 20 cm: every cell needs a price"
    );
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["problems"][1]["problem"], "missing_cell");
    assert_eq!(json["problems"][1]["width"], "5");
    assert_eq!(json["problems"][1]["unit"], "cm");
}

#[test]
fn axis_sizes_are_bounded() {
    let empty = problems(PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        vec![],
        vec![],
        vec![],
    ));
    assert_eq!(
        empty,
        [
            MatrixProblem::NoBreakpoints { axis: Axis::Width },
            MatrixProblem::NoBreakpoints { axis: Axis::Height }
        ]
    );
    let widths: Vec<_> = (1..=101).map(pricing::Decimal::from).collect();
    let too_many = problems(PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        widths,
        decs(&["1"]),
        vec![vec![Some(1); 101]],
    ));
    assert_eq!(
        too_many,
        [MatrixProblem::TooManyBreakpoints {
            axis: Axis::Width,
            count: 101
        }]
    );
    assert_eq!(
        too_many[0].to_string(),
        "the matrix has 101 width breakpoints; at most 100 are allowed"
    );
    let widths: Vec<_> = (1..=MAX_BREAKPOINTS as i64)
        .map(pricing::Decimal::from)
        .collect();
    let heights = widths.clone();
    let grid = vec![vec![Some(1); MAX_BREAKPOINTS]; MAX_BREAKPOINTS];
    assert!(PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        widths,
        heights,
        grid
    )
    .is_ok());
}

#[test]
fn wrong_row_count_is_reported() {
    let found = problems(PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        decs(&["1"]),
        decs(&["1", "2"]),
        vec![vec![Some(1)]],
    ));
    assert_eq!(
        found,
        [MatrixProblem::WrongRowCount {
            expected: 2,
            found: 1
        }]
    );
}

#[test]
fn from_cells_sorts_axes_and_lets_the_last_duplicate_win() {
    let matrix = PriceMatrix::from_cells(
        Unit::Millimetre,
        OutOfRangePolicy::Clamp,
        [
            (dec("600"), dec("400"), 1),
            (dec("300"), dec("200"), 1000),
            (dec("600"), dec("200"), 1500),
            (dec("300"), dec("400"), 2500),
            (dec("600.00"), dec("400"), 3000),
        ],
    )
    .unwrap();
    assert_eq!(matrix.widths(), [mm("300"), mm("600")]);
    assert_eq!(matrix.heights(), [mm("200"), mm("400")]);
    assert_eq!(matrix.price_minor(1, 1), Some(3000));
    assert_eq!(matrix.policy(), OutOfRangePolicy::Clamp);
}

#[test]
fn from_cells_lists_missing_pairs_and_bad_values() {
    let found = problems(PriceMatrix::from_cells(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        [
            (dec("300"), dec("200"), 1),
            (dec("600"), dec("400"), -1),
            (dec("-1"), dec("200"), 1),
        ],
    ));
    assert_eq!(
        found,
        vec![
            MatrixProblem::InvalidBreakpoint {
                axis: Axis::Width,
                position: 1,
                reason: DimensionError::NotPositive {
                    value: "-1".into(),
                    unit: Unit::Millimetre
                },
            },
            MatrixProblem::MissingCell {
                width: dec("600"),
                height: dec("200"),
                unit: Unit::Millimetre
            },
            MatrixProblem::MissingCell {
                width: dec("-1"),
                height: dec("400"),
                unit: Unit::Millimetre
            },
            MatrixProblem::MissingCell {
                width: dec("300"),
                height: dec("400"),
                unit: Unit::Millimetre
            },
            MatrixProblem::NegativePrice {
                width: dec("600"),
                height: dec("400"),
                unit: Unit::Millimetre,
                price_minor: -1,
            },
        ]
    );
}

#[test]
fn from_cells_with_thousands_of_values_does_not_build_a_huge_grid() {
    let cells = (1..=5_000).map(|i| (pricing::Decimal::from(i), pricing::Decimal::from(i), 1));
    let found = problems(PriceMatrix::from_cells(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        cells,
    ));
    assert_eq!(
        found,
        [
            MatrixProblem::TooManyBreakpoints {
                axis: Axis::Width,
                count: 5_000
            },
            MatrixProblem::TooManyBreakpoints {
                axis: Axis::Height,
                count: 5_000
            },
        ]
    );
}

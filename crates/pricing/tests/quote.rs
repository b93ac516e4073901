//! Quotes per DESIGN.md §3 on the demo matrix and option groups.

mod common;

use common::{decs, demo_matrix, dim, mm};
use pricing::{
    quote, BasisPoints, Currency, Modifier, Money, OutOfRangePolicy, PriceMatrix, Quantity,
    QuoteError, Unit,
};

const CLEAR: Modifier = Modifier::Fixed(0);
const TEMPERED: Modifier = Modifier::Fixed(1500);
const POLISHED: Modifier = Modifier::Fixed(500);

fn laminated() -> Modifier {
    Modifier::Percentage(BasisPoints::new(2000).unwrap())
}

fn percent(basis_points: i32) -> Modifier {
    Modifier::Percentage(BasisPoints::new(basis_points).unwrap())
}

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn quote_demo(
    width: &str,
    height: &str,
    quantity: u32,
    modifiers: &[Modifier],
) -> Result<pricing::Quote, QuoteError> {
    quote(
        &demo_matrix(OutOfRangePolicy::Reject),
        Currency::USD,
        mm(width),
        mm(height),
        Quantity::new(quantity).unwrap(),
        modifiers,
    )
}

fn single_cell(price_minor: i64) -> PriceMatrix {
    PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        decs(&["1"]),
        decs(&["1"]),
        vec![vec![Some(price_minor)]],
    )
    .unwrap()
}

fn quote_cell(
    price_minor: i64,
    quantity: u32,
    modifiers: &[Modifier],
) -> Result<pricing::Quote, QuoteError> {
    quote(
        &single_cell(price_minor),
        Currency::USD,
        mm("1"),
        mm("1"),
        Quantity::new(quantity).unwrap(),
        modifiers,
    )
}

#[test]
fn exact_size_is_the_cell_price() {
    let quote = quote_demo("600", "400", 1, &[]).unwrap();
    assert_eq!(quote.base(), usd(3000));
    assert_eq!(quote.base().to_string(), "30.00");
    assert_eq!(quote.unit_price(), usd(3000));
    assert_eq!(quote.total(), usd(3000));
    assert_eq!(
        (quote.width_breakpoint(), quote.height_breakpoint()),
        (mm("600"), mm("400"))
    );
    assert_eq!((quote.hit().width_index, quote.hit().height_index), (1, 1));
    assert_eq!(quote.unit(), Unit::Millimetre);
    assert_eq!(quote.currency(), Currency::USD);
    assert_eq!(quote.quantity().get(), 1);
    assert!(quote.modifier_amounts().is_empty());
}

#[test]
fn in_between_size_rounds_up_on_both_axes() {
    let quote = quote_demo("450", "250", 1, &[]).unwrap();
    assert_eq!(
        (quote.width_breakpoint(), quote.height_breakpoint()),
        (mm("600"), mm("400"))
    );
    assert_eq!(quote.unit_price().to_string(), "30.00");
}

#[test]
fn below_range_uses_the_first_cell() {
    assert_eq!(
        quote_demo("100", "100", 1, &[])
            .unwrap()
            .unit_price()
            .to_string(),
        "10.00"
    );
}

#[test]
fn out_of_range_is_an_error_under_reject_and_the_last_cell_under_clamp() {
    let error = quote_demo("1200", "400", 1, &[]).unwrap_err();
    assert!(matches!(error, QuoteError::OutOfRange(_)));
    assert_eq!(
        error.to_string(),
        "width 1200 mm is larger than the maximum width 900 mm (allowed range: 300 mm to 900 mm)"
    );
    let clamped = demo_matrix(OutOfRangePolicy::Clamp);
    let clamped_quote = quote(
        &clamped,
        Currency::USD,
        mm("1200"),
        mm("700"),
        Quantity::ONE,
        &[],
    )
    .unwrap();
    assert_eq!(clamped_quote.unit_price().to_string(), "50.00");
}

#[test]
fn other_units_are_converted_before_lookup() {
    let matrix = demo_matrix(OutOfRangePolicy::Reject);
    // 20 in = 508 mm → 600; 10 in = 254 mm → 400.
    let inches = quote(
        &matrix,
        Currency::USD,
        dim("20", Unit::Inch),
        dim("10", Unit::Inch),
        Quantity::ONE,
        &[],
    )
    .unwrap();
    assert_eq!(
        (inches.width_breakpoint(), inches.height_breakpoint()),
        (mm("600"), mm("400"))
    );
    assert_eq!(inches.unit_price().to_string(), "30.00");
    assert_eq!(inches.unit(), Unit::Millimetre);
    // 2 ft = 609.6 mm → 900.
    let feet = quote(
        &matrix,
        Currency::USD,
        dim("2", Unit::Foot),
        dim("20", Unit::Centimetre),
        Quantity::ONE,
        &[],
    )
    .unwrap();
    assert_eq!(feet.unit_price().to_string(), "20.00");
}

#[test]
fn tempered_adds_fifteen_dollars() {
    let quote = quote_demo("600", "400", 1, &[TEMPERED]).unwrap();
    assert_eq!(quote.modifier_amounts(), [usd(1500)]);
    assert_eq!(quote.unit_price().to_string(), "45.00");
}

#[test]
fn laminated_adds_twenty_percent_of_the_base() {
    let quote = quote_demo("600", "400", 1, &[laminated()]).unwrap();
    assert_eq!(quote.modifier_amounts(), [usd(600)]);
    assert_eq!(quote.unit_price().to_string(), "36.00");
}

#[test]
fn percentages_are_never_compounded() {
    // Laminated is 20% of the base 30.00 = 6.00 whatever comes before it (compounding would
    // give 20% of 35.00 = 7.00).
    let one_order = quote_demo("600", "400", 1, &[CLEAR, POLISHED, laminated()]).unwrap();
    let other_order = quote_demo("600", "400", 1, &[laminated(), POLISHED, CLEAR]).unwrap();
    assert_eq!(one_order.modifier_amounts(), [usd(0), usd(500), usd(600)]);
    assert_eq!(other_order.modifier_amounts(), [usd(600), usd(500), usd(0)]);
    assert_eq!(one_order.unit_price(), usd(4100));
    assert_eq!(other_order.unit_price(), usd(4100));
    let two_percentages = quote_demo("600", "400", 1, &[laminated(), laminated()]).unwrap();
    assert_eq!(two_percentages.unit_price(), usd(4200));
}

#[test]
fn percentages_round_up_odd_cents() {
    // 20% of 9.99 = 1.998 → 2.00; 15% of 0.33 = 0.0495 → 0.05.
    assert_eq!(
        quote_cell(999, 1, &[laminated()])
            .unwrap()
            .modifier_amounts(),
        [usd(200)]
    );
    assert_eq!(
        quote_cell(33, 1, &[percent(1500)])
            .unwrap()
            .modifier_amounts(),
        [usd(5)]
    );
}

#[test]
fn negative_modifiers_reduce_the_price_and_round_toward_positive_infinity() {
    let discount = quote_demo("600", "400", 1, &[Modifier::Fixed(-500)]).unwrap();
    assert_eq!(discount.unit_price().to_string(), "25.00");
    // −50% of 0.25 = −0.125 → −0.12, leaving 0.13.
    let half_off = quote_cell(25, 1, &[percent(-5000)]).unwrap();
    assert_eq!(half_off.modifier_amounts(), [usd(-12)]);
    assert_eq!(half_off.unit_price(), usd(13));
}

#[test]
fn the_unit_price_never_goes_below_zero() {
    let quote = quote_demo("600", "400", 3, &[Modifier::Fixed(-5000)]).unwrap();
    assert_eq!(quote.modifier_amounts(), [usd(-5000)]);
    assert_eq!(quote.unit_price(), usd(0));
    assert_eq!(quote.total(), usd(0));
    let minus_everything =
        quote_demo("600", "400", 1, &[percent(-10_000), Modifier::Fixed(-1)]).unwrap();
    assert_eq!(minus_everything.unit_price(), usd(0));
}

#[test]
fn total_is_unit_price_times_quantity() {
    let quote = quote_demo("600", "400", 3, &[TEMPERED, POLISHED]).unwrap();
    assert_eq!(quote.unit_price().to_string(), "50.00");
    assert_eq!(quote.total().to_string(), "150.00");
    assert_eq!(
        quote_demo("600", "400", 10_000, &[])
            .unwrap()
            .total()
            .to_string(),
        "300000.00"
    );
}

#[test]
fn quantity_is_between_one_and_ten_thousand() {
    assert!(Quantity::new(0).is_err());
    assert!(Quantity::new(10_001).is_err());
    assert!(Quantity::new(10_000).is_ok());
}

#[test]
fn overflow_is_an_error_never_a_wrong_price() {
    assert_eq!(
        quote_cell(i64::MAX, 2, &[]).unwrap_err(),
        QuoteError::TotalOverflow { quantity: 2 }
    );
    assert_eq!(
        quote_cell(i64::MAX, 1, &[Modifier::Fixed(1)]).unwrap_err(),
        QuoteError::UnitPriceOverflow
    );
    assert_eq!(
        quote_cell(i64::MAX, 1, &[Modifier::Fixed(0), percent(20_000)]).unwrap_err(),
        QuoteError::ModifierOverflow { position: 2 }
    );
    // Sums pass through values beyond i64 and come back: no intermediate overflow.
    let back_down = quote_cell(
        i64::MAX,
        1,
        &[Modifier::Fixed(i64::MAX), Modifier::Fixed(-i64::MAX)],
    )
    .unwrap();
    assert_eq!(back_down.unit_price().minor(), i64::MAX);
    assert_eq!(
        QuoteError::TotalOverflow { quantity: 2 }.to_string(),
        "the total for quantity 2 is too large to compute: order fewer pieces"
    );
}

#[test]
fn currencies_without_cents_and_with_three_decimals() {
    let yen = quote(
        &single_cell(1500),
        Currency::JPY,
        mm("1"),
        mm("1"),
        Quantity::new(2).unwrap(),
        &[laminated()],
    )
    .unwrap();
    assert_eq!(yen.unit_price().to_string(), "1800");
    assert_eq!(yen.total().to_string(), "3600");
    let dinar = quote(
        &single_cell(1250),
        Currency::KWD,
        mm("1"),
        mm("1"),
        Quantity::ONE,
        &[],
    )
    .unwrap();
    assert_eq!(dinar.unit_price().to_string(), "1.250");
}

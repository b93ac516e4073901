//! `gridprice quote` on the demo matrix of DESIGN §3, through the real binary.

use std::process::{Command, Output};

use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-glass.csv");
const BAD_ROWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/bad-rows.csv");

fn gridprice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gridprice"))
        .args(args)
        .output()
        .expect("run gridprice")
}

fn quote(extra: &[&str]) -> Value {
    let mut args = vec!["quote", "--matrix", DEMO];
    args.extend_from_slice(extra);
    let output = gridprice(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{args:?} failed: {stderr}");
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn price_of(width: &str, height: &str, extra: &[&str]) -> String {
    let mut args = vec!["--width", width, "--height", height];
    args.extend_from_slice(extra);
    quote(&args)["money"]["unitPrice"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Exit status 2 and one line on stderr naming the problem; nothing on stdout.
fn refused(args: &[&str], expected: &str) {
    let output = gridprice(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(expected),
        "{args:?}: {stderr:?} should mention {expected:?}"
    );
}

#[test]
fn exact_breakpoints_price_their_cell() {
    assert_eq!(price_of("300", "200", &[]), "10.00");
    assert_eq!(price_of("600", "400", &[]), "30.00");
    assert_eq!(price_of("900", "600", &[]), "50.00");
}

#[test]
fn sizes_between_breakpoints_round_up_on_each_axis() {
    assert_eq!(price_of("301", "200", &[]), "15.00");
    assert_eq!(price_of("450", "250", &[]), "30.00");
    assert_eq!(price_of("600.0001", "399.9999", &[]), "35.00");
}

#[test]
fn sizes_below_the_first_breakpoint_use_it() {
    assert_eq!(price_of("1", "0.5", &[]), "10.00");
    assert_eq!(price_of("100", "500", &[]), "40.00");
}

#[test]
fn sizes_above_the_last_breakpoint_are_rejected_or_clamped() {
    refused(
        &[
            "quote", "--matrix", DEMO, "--width", "901", "--height", "200",
        ],
        "allowed range: 300 mm to 900 mm",
    );
    refused(
        &[
            "quote", "--matrix", DEMO, "--width", "300", "--height", "601",
        ],
        "height",
    );
    assert_eq!(
        price_of("5000", "601", &["--out-of-range", "clamp"]),
        "50.00"
    );
}

#[test]
fn other_units_are_converted_exactly_before_lookup() {
    // 11.811 in = 299.9994 mm → 300; 11.812 in = 300.0248 mm → 600; 7.874 in = 199.9996 mm → 200.
    assert_eq!(
        price_of("11.811", "7.874", &["--unit", "in", "--matrix-unit", "mm"]),
        "10.00"
    );
    assert_eq!(price_of("11.812", "7.874", &["--unit", "in"]), "15.00");
    assert_eq!(price_of("60", "40", &["--unit", "cm"]), "30.00");
    assert_eq!(price_of("0.9", "0.6", &["--unit", "m"]), "50.00");
    // 2 ft = 609.6 mm → 900; 1 ft = 304.8 mm → 400.
    assert_eq!(price_of("2", "1", &["--unit", "ft"]), "35.00");
    let response = quote(&["--width", "2", "--height", "1", "--unit", "ft"]);
    assert_eq!(response["dimensions"]["unit"], "ft");
    assert_eq!(response["matrixDetails"]["widthBreakpoint"], 900);
}

#[test]
fn options_add_to_the_base_never_compounding() {
    let tempered = ["--modifier", "fixed:15.00"];
    assert_eq!(price_of("600", "400", &tempered), "45.00");
    assert_eq!(
        price_of("600", "400", &["--modifier", "percent:20"]),
        "36.00"
    );
    let both = [
        "--modifier",
        "percent:20",
        "--modifier",
        "fixed:5.00",
        "--quantity",
        "3",
    ];
    let response = quote(&[&["--width", "600", "--height", "400"][..], &both[..]].concat());
    assert_eq!(response["basePrice"], 30.0);
    assert_eq!(response["price"], 41.0);
    assert_eq!(response["total"], 123.0);
    assert_eq!(response["totalMinor"], 12300);
    assert_eq!(response["money"]["total"], "123.00");
    let applied: Vec<_> = response["optionModifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["modifierType"].as_str().unwrap(),
                m["appliedAmount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(applied, vec![("PERCENTAGE", 6.0), ("FIXED", 5.0)]);
    // 12.5% of 10.00 is 1.25; of 15.00 is 1.875 → 1.88 (ceil).
    assert_eq!(
        price_of("600", "200", &["--modifier", "percent:12.5"]),
        "16.88"
    );
    // Discounts may not push the price below zero.
    assert_eq!(
        price_of("300", "200", &["--modifier", "fixed:-25.00"]),
        "0.00"
    );
    assert_eq!(
        price_of("300", "200", &["--modifier", "percent:-100"]),
        "0.00"
    );
}

#[test]
fn the_response_has_the_v1_fields() {
    let response = quote(&["--width", "450", "--height", "250", "--quantity", "2"]);
    for field in [
        "price",
        "currency",
        "dimensions",
        "quantity",
        "total",
        "matrix",
        "dimensionRange",
    ] {
        assert!(response.get(field).is_some(), "missing {field}");
    }
    assert_eq!(response["currency"], "USD");
    assert_eq!(response["quantity"], 2);
    assert_eq!(response["total"], 60.0);
    assert_eq!(response["unitPriceMinor"], 3000);
    assert_eq!(response["dimensionRange"]["maxWidth"], 900);
    assert_eq!(response["dimensionRange"]["minHeight"], 200);
    // QuoteFlow's `matrix` is a name (here the CSV's file stem).
    assert!(response["matrix"].is_string(), "{response}");
}

#[test]
fn other_currencies_use_their_own_minor_units() {
    let jpy = quote(&[
        "--width",
        "300",
        "--height",
        "200",
        "--currency",
        "JPY",
        "--modifier",
        "fixed:5",
    ]);
    // The demo CSV's "10.00" has no sub-yen part, so it is ¥10.
    assert_eq!(jpy["money"]["unitPrice"], "15");
    assert_eq!(jpy["unitPriceMinor"], 15);
}

#[test]
fn bad_input_is_one_line_and_exit_status_2() {
    let base = ["quote", "--matrix", DEMO];
    let with = |extra: &[&'static str]| [&base[..], extra].concat();
    refused(&with(&["--width", "abc", "--height", "200"]), "--width");
    refused(&with(&["--width", "0", "--height", "200"]), "--width");
    refused(&with(&["--width", "-3", "--height", "200"]), "--width");
    refused(&with(&["--width", "1.00001", "--height", "200"]), "--width");
    refused(&with(&["--width", "1000001", "--height", "200"]), "--width");
    refused(
        &with(&["--width", "300", "--height", "200", "--quantity", "0"]),
        "--quantity",
    );
    refused(
        &with(&["--width", "300", "--height", "200", "--quantity", "10001"]),
        "--quantity",
    );
    refused(
        &with(&["--width", "300", "--height", "200", "--unit", "yd"]),
        "--unit",
    );
    refused(
        &with(&["--width", "300", "--height", "200", "--currency", "XYZ"]),
        "--currency",
    );
    refused(
        &with(&[
            "--width",
            "300",
            "--height",
            "200",
            "--out-of-range",
            "wrap",
        ]),
        "--out-of-range",
    );
    refused(
        &with(&[
            "--width",
            "300",
            "--height",
            "200",
            "--modifier",
            "fixed:1.001",
        ]),
        "--modifier",
    );
    refused(
        &with(&[
            "--width",
            "300",
            "--height",
            "200",
            "--modifier",
            "percent:-101",
        ]),
        "--modifier",
    );
    refused(
        &with(&["--width", "300", "--height", "200", "--modifier", "bonus:1"]),
        "--modifier",
    );
    refused(
        &[
            "quote",
            "--matrix",
            "/nonexistent.csv",
            "--width",
            "1",
            "--height",
            "1",
        ],
        "cannot read",
    );
    refused(
        &[
            "quote", "--matrix", BAD_ROWS, "--width", "1", "--height", "1",
        ],
        "line 3",
    );
}

#[test]
fn an_oversized_csv_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    std::fs::write(&path, "1,1,1.00\n".repeat(200_000)).unwrap();
    refused(
        &[
            "quote",
            "--matrix",
            path.to_str().unwrap(),
            "--width",
            "1",
            "--height",
            "1",
        ],
        "1 MiB",
    );
}

//! CSV import and export, including every fixture in the repository's fixtures/.

mod common;

use common::{dec, demo_matrix, dim, mm, BAD_ROWS_CSV, BLINDS_CM_CSV, DEMO_GLASS_CSV};
use pricing::csv::{self, CsvColumn, CsvImportError, LineError, LineProblem, MAX_CSV_BYTES};
use pricing::{
    Currency, DimensionError, MatrixProblem, MoneyError, OutOfRangePolicy, PriceMatrix, Unit,
};

fn import(text: &str) -> Result<PriceMatrix, CsvImportError> {
    csv::import_matrix(
        text.as_bytes(),
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        Currency::USD,
    )
}

fn line_errors(text: &str) -> Vec<LineError> {
    csv::parse_grid(text.as_bytes(), Unit::Millimetre, Currency::USD)
        .unwrap()
        .line_errors
}

#[test]
fn demo_glass_fixture_is_the_demo_matrix() {
    assert_eq!(
        import(DEMO_GLASS_CSV).unwrap(),
        demo_matrix(OutOfRangePolicy::Reject)
    );
}

#[test]
fn demo_glass_exports_to_the_fixture_byte_for_byte() {
    assert_eq!(
        csv::export(&demo_matrix(OutOfRangePolicy::Reject), Currency::USD),
        DEMO_GLASS_CSV
    );
}

#[test]
fn blinds_fixture_is_a_monotone_twenty_by_twenty_matrix_in_cm() {
    let matrix = csv::import_matrix(
        BLINDS_CM_CSV.as_bytes(),
        Unit::Centimetre,
        OutOfRangePolicy::Clamp,
        Currency::USD,
    )
    .unwrap();
    assert_eq!((matrix.widths().len(), matrix.heights().len()), (20, 20));
    assert_eq!(matrix.range().min_width, dim("40", Unit::Centimetre));
    assert_eq!(matrix.range().min_height, dim("60", Unit::Centimetre));
    assert_eq!(matrix.price_minor(0, 0), Some(1960));
    assert_eq!(matrix.price_minor(0, 1), Some(1985));
    for cell in matrix.cells() {
        let right = matrix.price_minor(cell.width_index + 1, cell.height_index);
        let below = matrix.price_minor(cell.width_index, cell.height_index + 1);
        assert!(right.is_none_or(|price| price >= cell.price_minor));
        assert!(below.is_none_or(|price| price >= cell.price_minor));
    }
    assert_eq!(
        matrix.lookup(mm("395"), mm("595")).unwrap().price_minor,
        1960
    );
}

#[test]
fn bad_rows_fixture_reports_lines_three_to_seven_and_keeps_none_of_them() {
    let grid = csv::parse_grid(BAD_ROWS_CSV.as_bytes(), Unit::Millimetre, Currency::USD).unwrap();
    let good_lines: Vec<u64> = grid.cells.iter().map(|cell| cell.line).collect();
    assert_eq!(good_lines, [2, 8]);
    let mm = Unit::Millimetre;
    assert_eq!(
        grid.line_errors,
        vec![
            LineError {
                line: 3,
                column: Some(CsvColumn::Width),
                problem: LineProblem::Dimension(DimensionError::NotADecimal {
                    input: "abc".into()
                }),
            },
            LineError {
                line: 4,
                column: Some(CsvColumn::Height),
                problem: LineProblem::Dimension(DimensionError::NotPositive {
                    value: "-5".into(),
                    unit: mm
                }),
            },
            LineError {
                line: 5,
                column: Some(CsvColumn::Price),
                problem: LineProblem::NegativePrice {
                    price: pricing::Money::from_minor(-100, Currency::USD)
                },
            },
            LineError {
                line: 6,
                column: None,
                problem: LineProblem::MissingColumns { found: 2 }
            },
            LineError {
                line: 7,
                column: None,
                problem: LineProblem::ExtraColumns { found: 4 }
            },
        ]
    );
    let messages: Vec<String> = grid.line_errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "line 3, width: 'abc' is not a plain decimal number such as 120.5",
            "line 4, height: -5 mm is not a usable size: it must be greater than 0",
            "line 5, price: price -1.00 is negative: prices must be 0 or more",
            "line 6: has 2 column(s) but needs 3: width,height,price",
            "line 7: has 4 columns but needs exactly 3: width,height,price",
        ]
    );
}

#[test]
fn bad_rows_fixture_is_not_imported() {
    let error = import(BAD_ROWS_CSV).unwrap_err();
    let CsvImportError::Invalid {
        line_errors,
        line_error_count,
        matrix_problems,
        matrix_problem_count,
    } = &error
    else {
        panic!("expected line errors, got {error:?}");
    };
    let lines: Vec<u64> = line_errors.iter().map(|error| error.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!((*line_error_count, *matrix_problem_count), (5, 0));
    assert!(
        matrix_problems.is_empty(),
        "the good lines form a complete grid"
    );
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["error"], "invalid");
    assert_eq!(json["line_errors"][0]["line"], 3);
    assert_eq!(json["line_errors"][0]["column"], "width");
    assert_eq!(
        json["line_errors"][0]["message"],
        "'abc' is not a plain decimal number such as 120.5"
    );
    assert_eq!(json["line_errors"][3]["column"], serde_json::Value::Null);
    assert!(error
        .to_string()
        .starts_with("the CSV file cannot be imported: line 3, width: 'abc'"));
}

#[test]
fn every_problem_of_a_line_is_reported() {
    let errors = line_errors("0,abc,1.234\n");
    let columns: Vec<_> = errors
        .iter()
        .map(|error| (error.line, error.column))
        .collect();
    assert_eq!(
        columns,
        [
            (1, Some(CsvColumn::Width)),
            (1, Some(CsvColumn::Height)),
            (1, Some(CsvColumn::Price))
        ]
    );
    assert!(matches!(
        errors[2].problem,
        LineProblem::Price(MoneyError::TooManyDecimals {
            max_decimals: 2,
            ..
        })
    ));
}

#[test]
fn header_is_optional_and_detected() {
    let without = "300,200,10\n";
    let with = "width,height,price\n300,200,10\n";
    let labelled = "Width (mm);x,Height (mm),Price\n300,200,10\n";
    for text in [without, with, labelled] {
        assert_eq!(
            import(text).unwrap().price_minor(0, 0),
            Some(1000),
            "{text:?}"
        );
    }
    // A bad first data row is not mistaken for a header: it contains digits.
    let errors = line_errors("abc,200,12.00\n300,200,10\n");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 1);
}

#[test]
fn accepts_bom_crlf_blank_lines_quotes_and_spaces() {
    let text = "\u{feff}width,height,price\r\n300 , 200, 10.5\r\n\r\n\"600\",200,\"11\"\r\n";
    let matrix = import(text).unwrap();
    assert_eq!(matrix.widths(), [mm("300"), mm("600")]);
    assert_eq!(matrix.price_minor(0, 0), Some(1050));
    assert_eq!(matrix.price_minor(1, 0), Some(1100));
}

#[test]
fn line_numbers_count_blank_lines_quoted_newlines_and_every_line_ending() {
    let errors =
        line_errors("width,height,price\n\n\n300,200,x\n\"3\n00\",200,1\n\r\n\r\n1,1,y\r1,2,z\n");
    let lines: Vec<u64> = errors.iter().map(|error| error.line).collect();
    assert_eq!(lines, [4, 5, 9, 10]);
}

#[test]
fn the_last_duplicate_wins() {
    let matrix = import("300,200,10\n300,200,12.50\n").unwrap();
    assert_eq!(matrix.price_minor(0, 0), Some(1250));
}

#[test]
fn missing_cells_are_listed() {
    let error = import("300,200,10\n600,400,20\n").unwrap_err();
    let CsvImportError::Invalid {
        line_errors,
        matrix_problems,
        ..
    } = error
    else {
        panic!("expected missing cells");
    };
    assert!(line_errors.is_empty());
    assert_eq!(
        matrix_problems,
        [
            MatrixProblem::MissingCell {
                width: dec("600"),
                height: dec("200"),
                unit: Unit::Millimetre
            },
            MatrixProblem::MissingCell {
                width: dec("300"),
                height: dec("400"),
                unit: Unit::Millimetre
            },
        ]
    );
}

#[test]
fn prices_follow_the_currency_exponent() {
    let yen = csv::import_matrix(
        b"1,1,1500\n",
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        Currency::JPY,
    )
    .unwrap();
    assert_eq!(yen.price_minor(0, 0), Some(1500));
    let errors = csv::parse_grid(b"1,1,1500.5\n", Unit::Millimetre, Currency::JPY)
        .unwrap()
        .line_errors;
    assert_eq!(
        errors[0].to_string(),
        "line 1, price: '1500.5' has more decimals than JPY allows (at most 0)"
    );
    assert_eq!(
        csv::export(&yen, Currency::JPY),
        "width,height,price\n1,1,1500\n"
    );
}

#[test]
fn dimension_rules_apply_per_line() {
    let errors = line_errors("1.00001,1,1\n1000001,1,1\n1e3,1,1\n1,0,1\n");
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "line 1, width: 1.00001 mm has more than 4 decimal places",
            "line 2, width: 1000001 mm is larger than the maximum of 1000000 mm",
            "line 3, width: '1e3' is not a plain decimal number such as 120.5",
            "line 4, height: 0 mm is not a usable size: it must be greater than 0",
        ]
    );
}

#[test]
fn invalid_utf8_is_reported_on_its_line() {
    let errors = csv::parse_grid(
        b"300,200,10\n3\xff0,200,10\n",
        Unit::Millimetre,
        Currency::USD,
    )
    .unwrap()
    .line_errors;
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[0].problem, LineProblem::NotUtf8);
}

#[test]
fn files_over_one_mebibyte_are_refused_without_parsing() {
    let too_big = vec![b'x'; MAX_CSV_BYTES + 1];
    let error = csv::parse_grid(&too_big, Unit::Millimetre, Currency::USD).unwrap_err();
    assert_eq!(
        error,
        CsvImportError::TooLarge {
            size: MAX_CSV_BYTES + 1,
            limit: MAX_CSV_BYTES
        }
    );
    assert_eq!(
        error.to_string(),
        "the CSV file is 1048577 bytes; the limit is 1048576 bytes (1 MiB)"
    );
    let just_fits = vec![b'\n'; MAX_CSV_BYTES];
    assert_eq!(
        csv::parse_grid(&just_fits, Unit::Millimetre, Currency::USD).unwrap(),
        Default::default()
    );
}

#[test]
fn an_empty_file_says_what_is_missing() {
    let error = import("").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the CSV file cannot be imported: the matrix has no width breakpoints: add at least one; \
         the matrix has no height breakpoints: add at least one"
    );
}

#[test]
fn export_then_import_keeps_units_and_policy_from_the_caller() {
    let matrix = demo_matrix(OutOfRangePolicy::Clamp);
    let text = csv::export(&matrix, Currency::USD);
    let back = csv::import_matrix(
        text.as_bytes(),
        Unit::Millimetre,
        OutOfRangePolicy::Clamp,
        Currency::USD,
    )
    .unwrap();
    assert_eq!(back, matrix);
}

#[test]
fn only_the_first_problems_are_reported_with_their_count() {
    let file: String = (0..250).map(|_| "12\n").collect();
    let error = import(&file).unwrap_err();
    let CsvImportError::Invalid {
        line_errors,
        line_error_count,
        ..
    } = &error
    else {
        panic!("expected line errors, got {error:?}");
    };
    assert_eq!((line_errors.len(), *line_error_count), (100, 250));
    assert_eq!(line_errors[99].line, 100);
    assert!(
        error.to_string().ends_with("and 150 more problems"),
        "{error}"
    );
}

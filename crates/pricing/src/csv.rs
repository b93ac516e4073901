//! CSV import and export of price matrices in the long format `width,height,price`.
//!
//! - One row per cell: width and height in the matrix unit, price in major units of the store
//!   currency ("12.50"). A header row is optional: the first row is taken as a header when none
//!   of its fields contains a digit ("width,height,price", "Width (mm),Height (mm),Price").
//! - UTF-8, with or without a byte-order mark; LF or CRLF line ends; blank lines are skipped and
//!   spaces around fields are ignored. At most [`MAX_CSV_BYTES`].
//! - Every bad line is counted, and the first [`MAX_REPORTED_PROBLEMS`] problems are reported
//!   with their 1-based line numbers; a bad line contributes nothing. For a duplicated
//!   (width, height) the last line wins. A grid with missing cells is rejected with the
//!   missing (width, height) pairs (the first [`MAX_REPORTED_PROBLEMS`], and their count).
//! - Memory stays a small multiple of the file: reports are capped, and a file with more than
//!   [`MAX_PRICE_LINES`] price lines is refused as it is read.

use std::borrow::Cow;
use std::fmt;

use ::csv::{ByteRecord, ReaderBuilder, Trim, Writer};
use serde::Serialize;
use thiserror::Error;

use crate::currency::Currency;
use crate::dimension::{Dimension, DimensionError, Unit};
use crate::matrix::{
    serialize_display, MatrixProblem, OutOfRangePolicy, PriceMatrix, MAX_BREAKPOINTS,
};
use crate::money::{Money, MoneyError};

/// The largest CSV file accepted: 1 MiB.
pub const MAX_CSV_BYTES: usize = 1024 * 1024;
/// Problems reported in full, of each kind; beyond them only their number. A merchant fixes a
/// file from its first problems, and a thousand messages help nobody.
pub const MAX_REPORTED_PROBLEMS: usize = 100;
/// Price lines read: twice the cells of the largest matrix, room for a file with every cell
/// repeated once (the later line wins).
pub const MAX_PRICE_LINES: usize = 2 * MAX_BREAKPOINTS * MAX_BREAKPOINTS;

const HEADER: [&str; 3] = ["width", "height", "price"];
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A column of the CSV format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CsvColumn {
    Width,
    Height,
    Price,
}

impl fmt::Display for CsvColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CsvColumn::Width => "width",
            CsvColumn::Height => "height",
            CsvColumn::Price => "price",
        })
    }
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineProblem {
    #[error("has {found} column(s) but needs 3: width,height,price")]
    MissingColumns { found: usize },
    #[error("has {found} columns but needs exactly 3: width,height,price")]
    ExtraColumns { found: usize },
    #[error("is not valid UTF-8 text: save the file as \"CSV UTF-8\"")]
    NotUtf8,
    #[error(transparent)]
    Dimension(DimensionError),
    #[error(transparent)]
    Price(MoneyError),
    #[error("price {price} is negative: prices must be 0 or more")]
    NegativePrice { price: Money },
    #[error("could not be read as CSV: {reason}")]
    Unreadable { reason: String },
}

/// One problem on one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: u64,
    /// The column at fault, when the problem is in one field.
    pub column: Option<CsvColumn>,
    #[serde(rename = "message", serialize_with = "serialize_display")]
    pub problem: LineProblem,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, {column}: {}", self.line, self.problem),
            None => write!(f, "line {}: {}", self.line, self.problem),
        }
    }
}

/// Why a CSV file could not become a matrix.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum CsvImportError {
    #[error("the CSV file is {size} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge { size: usize, limit: usize },
    #[error("the CSV file has more than {limit} price lines; a matrix has at most {} cells", MAX_BREAKPOINTS * MAX_BREAKPOINTS)]
    TooManyLines { limit: usize },
    /// Bad lines and/or problems of the grid made from the good lines (missing cells, too
    /// many breakpoints…): the first [`MAX_REPORTED_PROBLEMS`] of each, and how many in all.
    #[error("{}", describe_invalid(self))]
    Invalid {
        line_errors: Vec<LineError>,
        line_error_count: usize,
        matrix_problems: Vec<MatrixProblem>,
        matrix_problem_count: usize,
    },
}

fn describe_invalid(error: &CsvImportError) -> String {
    let CsvImportError::Invalid {
        line_errors,
        line_error_count,
        matrix_problems,
        matrix_problem_count,
    } = error
    else {
        return String::new();
    };
    let lines = line_errors.iter().map(ToString::to_string);
    let grid = matrix_problems.iter().map(ToString::to_string);
    let unreported = (line_error_count + matrix_problem_count)
        .saturating_sub(line_errors.len() + matrix_problems.len());
    let more = (unreported > 0).then(|| format!("and {unreported} more problems"));
    format!(
        "the CSV file cannot be imported: {}",
        lines.chain(grid).chain(more).collect::<Vec<_>>().join("; ")
    )
}

/// A good line of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridCell {
    pub line: u64,
    pub width: Dimension,
    pub height: Dimension,
    pub price: Money,
}

/// What a file holds, good and bad, before it is judged as a whole: what an import preview
/// shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvGrid {
    /// Every good line in file order, duplicates included (the later one wins in a matrix).
    pub cells: Vec<GridCell>,
    /// The first [`MAX_REPORTED_PROBLEMS`] problems of bad lines, in file order.
    pub line_errors: Vec<LineError>,
    /// How many problems the bad lines have in all.
    pub line_error_count: usize,
}

impl CsvGrid {
    /// Builds the matrix if the file had no bad line and the good lines form a complete grid.
    pub fn into_matrix(
        self,
        unit: Unit,
        policy: OutOfRangePolicy,
    ) -> Result<PriceMatrix, CsvImportError> {
        let triples = self
            .cells
            .iter()
            .map(|cell| (cell.width.value(), cell.height.value(), cell.price.minor()));
        let mut matrix_problems = match PriceMatrix::from_cells(unit, policy, triples) {
            Ok(matrix) if self.line_error_count == 0 => return Ok(matrix),
            Ok(_) => Vec::new(),
            Err(error) => error.problems,
        };
        let matrix_problem_count = matrix_problems.len();
        matrix_problems.truncate(MAX_REPORTED_PROBLEMS);
        Err(CsvImportError::Invalid {
            line_errors: self.line_errors,
            line_error_count: self.line_error_count,
            matrix_problems,
            matrix_problem_count,
        })
    }

    /// Records a problem of a bad line: counted always, kept while few.
    fn report(&mut self, error: LineError) {
        self.line_error_count += 1;
        if self.line_errors.len() < MAX_REPORTED_PROBLEMS {
            self.line_errors.push(error);
        }
    }
}

/// Reads every line of a CSV file, sorting good lines from bad ones. Only a file over
/// [`MAX_CSV_BYTES`] is refused outright (without being read).
pub fn parse_grid(bytes: &[u8], unit: Unit, currency: Currency) -> Result<CsvGrid, CsvImportError> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(CsvImportError::TooLarge {
            size: bytes.len(),
            limit: MAX_CSV_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(Trim::All)
        .from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut grid = CsvGrid::default();
    let mut record = ByteRecord::new();
    let mut first_record = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines
                    .line_of_record_at(record.position().map_or(0, |position| position.byte()));
                if std::mem::take(&mut first_record) && is_header(&record) {
                    continue;
                }
                match parse_row(&record, unit, currency) {
                    Ok(_) if grid.cells.len() == MAX_PRICE_LINES => {
                        return Err(CsvImportError::TooManyLines {
                            limit: MAX_PRICE_LINES,
                        })
                    }
                    Ok((width, height, price)) => grid.cells.push(GridCell {
                        line,
                        width,
                        height,
                        price,
                    }),
                    Err(problems) => {
                        for (column, problem) in problems {
                            grid.report(LineError {
                                line,
                                column,
                                problem,
                            });
                        }
                    }
                }
            }
            Err(error) => {
                // Reading from memory only fails on malformed input, after which the reader
                // cannot be trusted to resynchronise: report it and stop.
                let line =
                    lines.line_of_record_at(error.position().map_or(0, |position| position.byte()));
                let problem = LineProblem::Unreadable {
                    reason: error.to_string(),
                };
                grid.report(LineError {
                    line,
                    column: None,
                    problem,
                });
                break;
            }
        }
    }
    Ok(grid)
}

/// Turns byte offsets into 1-based line numbers. The csv crate reports a record's start as the
/// end of the previous record, before any blank lines it skipped, and does not count those
/// lines; so lines are counted here, moving forward only (linear over the whole file).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first content of a record whose reading started at byte `start`.
    fn line_of_record_at(&mut self, start: u64) -> u64 {
        let start =
            usize::try_from(start).map_or(self.text.len(), |start| start.min(self.text.len()));
        let rest = self.text.get(start..).unwrap_or_default();
        let blank = rest
            .iter()
            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
            .count();
        self.advance_to(start + blank);
        self.line
    }

    /// Counts line breaks (LF, CRLF or a lone CR) up to `target`.
    fn advance_to(&mut self, target: usize) {
        let Some(passed) = self.text.get(self.offset..target) else {
            return;
        };
        let is_break = |(index, byte): (usize, &u8)| {
            *byte == b'\n'
                || (*byte == b'\r' && self.text.get(self.offset + index + 1) != Some(&b'\n'))
        };
        self.line += passed
            .iter()
            .enumerate()
            .filter(|&entry| is_break(entry))
            .count() as u64;
        self.offset = target;
    }
}

/// Parses a CSV file into a matrix: [`parse_grid`] then [`CsvGrid::into_matrix`].
pub fn import_matrix(
    bytes: &[u8],
    unit: Unit,
    policy: OutOfRangePolicy,
    currency: Currency,
) -> Result<PriceMatrix, CsvImportError> {
    parse_grid(bytes, unit, currency)?.into_matrix(unit, policy)
}

/// Writes `matrix` as `width,height,price` rows with a header, heights outer and widths inner,
/// prices in major units of `currency`. Importing the result gives the same matrix back.
pub fn export(matrix: &PriceMatrix, currency: Currency) -> String {
    // The writer targets memory: its only failures are I/O errors, which a Vec cannot produce.
    let bytes = write_rows(matrix, currency).expect("writing CSV to memory cannot fail");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn write_rows(matrix: &PriceMatrix, currency: Currency) -> Result<Vec<u8>, ::csv::Error> {
    let mut writer = Writer::from_writer(Vec::new());
    writer.write_record(HEADER.map(|field| neutralise_formula(field).into_owned()))?;
    for cell in matrix.cells() {
        let fields = [
            cell.width.value().to_string(),
            cell.height.value().to_string(),
            Money::from_minor(cell.price_minor, currency).to_string(),
        ];
        writer.write_record(
            fields
                .iter()
                .map(|field| neutralise_formula(field).into_owned()),
        )?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}

/// Makes a field safe to open in a spreadsheet: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be run as a formula, so it gets a leading apostrophe.
pub fn neutralise_formula(field: &str) -> Cow<'_, str> {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{field}")),
        _ => Cow::Borrowed(field),
    }
}

/// The first row is a header when none of its fields contains a digit.
fn is_header(record: &ByteRecord) -> bool {
    !record
        .iter()
        .any(|field| field.iter().any(u8::is_ascii_digit))
}

type RowProblems = Vec<(Option<CsvColumn>, LineProblem)>;

fn parse_row(
    record: &ByteRecord,
    unit: Unit,
    currency: Currency,
) -> Result<(Dimension, Dimension, Money), RowProblems> {
    let [width, height, price] = split_fields(record)?;
    let width =
        Dimension::parse(width, unit).map_err(|e| (CsvColumn::Width, LineProblem::Dimension(e)));
    let height =
        Dimension::parse(height, unit).map_err(|e| (CsvColumn::Height, LineProblem::Dimension(e)));
    let price = parse_price(price, currency).map_err(|problem| (CsvColumn::Price, problem));
    match (width, height, price) {
        (Ok(width), Ok(height), Ok(price)) => Ok((width, height, price)),
        (width, height, price) => Err([width.err(), height.err(), price.err()]
            .into_iter()
            .flatten()
            .map(|(column, problem)| (Some(column), problem))
            .collect()),
    }
}

fn split_fields(record: &ByteRecord) -> Result<[&str; 3], RowProblems> {
    let fields = match record.iter().collect::<Vec<_>>()[..] {
        [width, height, price] => [width, height, price],
        ref fields if fields.len() < 3 => {
            return Err(vec![(
                None,
                LineProblem::MissingColumns {
                    found: fields.len(),
                },
            )]);
        }
        ref fields => {
            return Err(vec![(
                None,
                LineProblem::ExtraColumns {
                    found: fields.len(),
                },
            )])
        }
    };
    let text = |bytes| std::str::from_utf8(bytes).map_err(|_| vec![(None, LineProblem::NotUtf8)]);
    Ok([text(fields[0])?, text(fields[1])?, text(fields[2])?])
}

fn parse_price(text: &str, currency: Currency) -> Result<Money, LineProblem> {
    let price = Money::parse(text, currency).map_err(LineProblem::Price)?;
    if price.is_negative() {
        return Err(LineProblem::NegativePrice { price });
    }
    Ok(price)
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula;

    #[test]
    fn neutralises_formula_triggers_only() {
        for field in ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(field), format!("'{field}"));
        }
        for field in ["300", "12.50", "width", "", "a=b"] {
            assert_eq!(neutralise_formula(field), field);
        }
    }
}

//! `gridprice quote`: price a size from a CSV matrix, exactly as the storefront API would, so a
//! merchant can check a CSV before uploading it.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use pricing::{
    BasisPoints, Currency, Dimension, Modifier, Money, OutOfRangePolicy, Quantity, Unit,
};

use super::CliError;
use gridprice_wire::{DimensionRange, PriceResponse, PricedOption, PricedRequest};

/// CSV matrices are at most 1 MiB (DESIGN §3); one byte more tells us the file is too large.
const MAX_CSV_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The matrix as CSV rows `width,height,price` (header optional, prices in major units).
    #[arg(long, value_name = "FILE")]
    matrix: PathBuf,
    /// The width asked for, in --unit.
    #[arg(long, allow_hyphen_values = true)]
    width: String,
    /// The height asked for, in --unit.
    #[arg(long, allow_hyphen_values = true)]
    height: String,
    /// How many pieces (1–10000).
    #[arg(long, default_value = "1", allow_hyphen_values = true)]
    quantity: String,
    /// The unit of --width and --height (mm, cm, m, in, ft); defaults to the matrix unit.
    #[arg(long)]
    unit: Option<String>,
    /// The unit of the matrix's breakpoints.
    #[arg(long, default_value = "mm")]
    matrix_unit: String,
    /// The ISO 4217 currency of the matrix prices.
    #[arg(long, default_value = "USD")]
    currency: String,
    /// What a size above the largest breakpoint does: reject it, or clamp it to the largest.
    #[arg(long, default_value = "reject", value_name = "reject|clamp")]
    out_of_range: String,
    /// An option modifier, repeatable: fixed:AMOUNT (major units) or percent:PERCENT of the base
    /// price; both may be negative, e.g. --modifier fixed:15.00 --modifier percent:-12.5
    #[arg(
        long = "modifier",
        value_name = "fixed:AMOUNT|percent:PERCENT",
        allow_hyphen_values = true
    )]
    modifiers: Vec<String>,
}

pub fn run(args: &QuoteArgs) -> Result<(), CliError> {
    println!("{}", price(args)?);
    Ok(())
}

/// The v1 price response, as pretty JSON.
fn price(args: &QuoteArgs) -> Result<String, CliError> {
    let currency: Currency = parse_arg("--currency", &args.currency)?;
    let matrix_unit: Unit = parse_arg("--matrix-unit", &args.matrix_unit)?;
    let policy: OutOfRangePolicy = parse_arg("--out-of-range", &args.out_of_range)?;
    let unit = match &args.unit {
        Some(unit) => parse_arg("--unit", unit)?,
        None => matrix_unit,
    };
    let width = Dimension::parse(&args.width, unit).map_err(|e| input("--width", e))?;
    let height = Dimension::parse(&args.height, unit).map_err(|e| input("--height", e))?;
    let quantity: u32 = parse_arg("--quantity", &args.quantity)?;
    let quantity = Quantity::new(quantity).map_err(|e| input("--quantity", e))?;
    let options = args
        .modifiers
        .iter()
        .map(|text| parse_modifier(text, currency))
        .collect::<Result<Vec<_>, _>>()?;

    let csv = read_csv(&args.matrix)?;
    let matrix = pricing::csv::import_matrix(&csv, matrix_unit, policy, currency)
        .map_err(|e| CliError::Input(format!("{}: {e}", args.matrix.display())))?;
    let modifiers: Vec<Modifier> = options.iter().map(|o| o.modifier).collect();
    let quote = pricing::quote(&matrix, currency, width, height, quantity, &modifiers)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let name = args
        .matrix
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let request = PricedRequest {
        matrix_id: None,
        matrix_name: &name,
        range: DimensionRange::new(matrix.range(), matrix.unit()),
        width,
        height,
        options,
    };
    serde_json::to_string_pretty(&PriceResponse::new(&request, &quote))
        .map_err(|e| CliError::Runtime(format!("cannot write the response: {e}")))
}

fn parse_modifier(text: &str, currency: Currency) -> Result<PricedOption<'_>, CliError> {
    let bad = |reason: String| input("--modifier", format!("{text:?}: {reason}"));
    let (kind, amount) = text
        .split_once(':')
        .ok_or_else(|| bad("expected fixed:AMOUNT or percent:PERCENT".to_owned()))?;
    let modifier = match kind {
        "fixed" => Modifier::Fixed(
            Money::parse(amount, currency)
                .map_err(|e| bad(e.to_string()))?
                .minor(),
        ),
        "percent" => Modifier::Percentage(
            BasisPoints::parse_percent(amount).map_err(|e| bad(e.to_string()))?,
        ),
        other => return Err(bad(format!("unknown modifier kind {other:?}"))),
    };
    Ok(PricedOption {
        group: "Modifier",
        choice: text,
        modifier,
    })
}

fn read_csv(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    let cannot_read =
        |e: std::io::Error| CliError::Input(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let mut bytes = Vec::new();
    file.take(MAX_CSV_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(CliError::Input(format!(
            "{} is larger than 1 MiB",
            path.display()
        )));
    }
    Ok(bytes)
}

fn parse_arg<T>(flag: &str, text: &str) -> Result<T, CliError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| input(flag, format!("{text:?}: {e}")))
}

fn input(flag: &str, reason: impl std::fmt::Display) -> CliError {
    CliError::Input(format!("{flag}: {reason}"))
}

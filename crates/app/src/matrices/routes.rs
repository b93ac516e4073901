//! `/app/api/matrices`: the merchant's price matrices, as JSON grids or CSV files.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use pricing::csv::{CsvGrid, CsvImportError, LineError, MAX_CSV_BYTES};
use pricing::{
    Currency, Decimal, Dimension, MatrixProblem, Money, OutOfRangePolicy, PriceMatrix, Unit,
};
use serde::{Deserialize, Serialize};

use gridprice_storage::audit::Action;
use gridprice_storage::matrices::{self as storage, MatrixSummary, StoredMatrix};
use gridprice_storage::MatrixId;

use super::service;
use crate::auth::AdminSession;
use crate::billing::{Entitlement, Resource};
use crate::error::FieldErrors;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, PathParam, QueryParams, MAX_JSON_BODY_BYTES};
use crate::http::AppState;
use crate::names::parse_name;

/// A CSV upload may be up to 1 MiB; the slack lets an oversized file reach the parser, which
/// answers with its exact size and the limit.
const MAX_CSV_BODY_BYTES: usize = MAX_CSV_BYTES + 64 * 1024;

pub fn routes() -> Router<AppState> {
    let json = Router::new()
        .route("/app/api/matrices", get(list).post(create))
        .route(
            "/app/api/matrices/{id}",
            get(show).put(replace).patch(rename).delete(remove),
        )
        .route("/app/api/matrices/quote", post(quote))
        .route("/app/api/matrices/{id}/duplicate", post(duplicate))
        .route("/app/api/matrices/{id}/export.csv", get(export))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES));
    let csv = Router::new()
        .route("/app/api/matrices/import", post(import))
        .layer(DefaultBodyLimit::max(MAX_CSV_BODY_BYTES));
    json.merge(csv)
}

// --- requests --------------------------------------------------------------------------------

/// A new matrix: breakpoints and prices as decimal strings, one row of prices per height.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateMatrix {
    name: String,
    /// The store's unit preference when left out.
    unit: Option<String>,
    /// The store's out-of-range default when left out.
    out_of_range: Option<String>,
    widths: Vec<String>,
    heights: Vec<String>,
    /// `cells[h][w]`: the price for `heights[h]` × `widths[w]` in major units; `null` = missing.
    cells: Vec<Vec<Option<String>>>,
}

/// The whole grid again, with the version it was read at.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplaceMatrix {
    version: i64,
    /// The matrix's current unit when left out.
    unit: Option<String>,
    /// The matrix's current policy when left out.
    out_of_range: Option<String>,
    widths: Vec<String>,
    heights: Vec<String>,
    cells: Vec<Vec<Option<String>>>,
}

/// A grid as the editor holds it, saved or not, and a size to price on it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QuoteGrid {
    unit: Option<String>,
    out_of_range: Option<String>,
    widths: Vec<String>,
    heights: Vec<String>,
    cells: Vec<Vec<Option<String>>>,
    width: String,
    height: String,
    /// The unit of `width` and `height`; the grid's when left out.
    size_unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenameMatrix {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportQuery {
    name: Option<String>,
    unit: Option<String>,
    out_of_range: Option<String>,
    #[serde(default)]
    preview: bool,
}

/// The grid fields shared by create and replace, before parsing.
struct GridText<'a> {
    unit: Option<&'a str>,
    out_of_range: Option<&'a str>,
    widths: &'a [String],
    heights: &'a [String],
    cells: &'a [Vec<Option<String>>],
}

/// Unit and policy as given, or their defaults; noted in `errors` when unknown.
fn unit_and_policy(
    errors: &mut FieldErrors,
    unit: Option<&str>,
    out_of_range: Option<&str>,
    defaults: (Unit, OutOfRangePolicy),
) -> (Unit, OutOfRangePolicy) {
    let unit = unit.map_or(Some(defaults.0), |text| errors.check("unit", text.parse()));
    let policy = out_of_range.map_or(Some(defaults.1), |text| {
        errors.check("outOfRange", text.parse())
    });
    (unit.unwrap_or(defaults.0), policy.unwrap_or(defaults.1))
}

impl GridText<'_> {
    /// The matrix; `None` with every breakpoint and cell at fault noted in `errors`.
    fn parse(
        &self,
        defaults: (Unit, OutOfRangePolicy),
        currency: Currency,
        errors: &mut FieldErrors,
    ) -> Option<PriceMatrix> {
        let (unit, policy) = unit_and_policy(errors, self.unit, self.out_of_range, defaults);
        let widths = breakpoints(errors, "widths", self.widths, unit);
        let heights = breakpoints(errors, "heights", self.heights, unit);
        let cells = prices(errors, self.cells, currency);
        // Positions only mean something once every value parsed; the grid is judged after.
        if !errors.is_empty() {
            return None;
        }
        PriceMatrix::new(unit, policy, widths, heights, cells)
            .map_err(|error| {
                for problem in &error.problems {
                    errors.add(problem_field(problem), problem);
                }
            })
            .ok()
    }
}

fn breakpoints(errors: &mut FieldErrors, axis: &str, texts: &[String], unit: Unit) -> Vec<Decimal> {
    texts
        .iter()
        .enumerate()
        .filter_map(|(index, text)| {
            errors.check(format!("{axis}[{index}]"), Dimension::parse(text, unit))
        })
        .map(|dimension| dimension.value())
        .collect()
}

/// Prices in minor units; `null` stays missing so the matrix reports the cell by its sizes.
fn prices(
    errors: &mut FieldErrors,
    rows: &[Vec<Option<String>>],
    currency: Currency,
) -> Vec<Vec<Option<i64>>> {
    let mut grid = Vec::with_capacity(rows.len());
    for (h, row) in rows.iter().enumerate() {
        let mut parsed = Vec::with_capacity(row.len());
        for (w, text) in row.iter().enumerate() {
            let price = text.as_deref().and_then(|text| {
                errors.check(format!("cells[{h}][{w}]"), Money::parse(text, currency))
            });
            parsed.push(price.map(|money| money.minor()));
        }
        grid.push(parsed);
    }
    grid
}

/// The request field a matrix problem is about.
fn problem_field(problem: &MatrixProblem) -> String {
    let axis_field = |axis: pricing::Axis| match axis {
        pricing::Axis::Width => "widths",
        pricing::Axis::Height => "heights",
    };
    match problem {
        MatrixProblem::NoBreakpoints { axis } | MatrixProblem::TooManyBreakpoints { axis, .. } => {
            axis_field(*axis).to_owned()
        }
        MatrixProblem::InvalidBreakpoint { axis, position, .. }
        | MatrixProblem::NotIncreasing { axis, position, .. } => {
            format!("{}[{}]", axis_field(*axis), position.saturating_sub(1))
        }
        _ => "cells".to_owned(),
    }
}

// --- responses -------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MatrixList {
    matrices: Vec<MatrixSummary>,
}

/// A whole matrix, in the shape create and replace accept.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MatrixView {
    id: MatrixId,
    name: String,
    version: i64,
    unit: Unit,
    out_of_range: OutOfRangePolicy,
    currency: &'static str,
    widths: Vec<String>,
    heights: Vec<String>,
    cells: Vec<Vec<String>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn axis_text(axis: &[Dimension]) -> Vec<String> {
    axis.iter().map(|d| d.value().to_string()).collect()
}

pub(super) fn matrix_view(stored: StoredMatrix, currency: Currency) -> MatrixView {
    let matrix = &stored.matrix;
    let width_count = matrix.widths().len().max(1);
    let prices: Vec<String> = matrix
        .cells()
        .map(|cell| Money::from_minor(cell.price_minor, currency).to_string())
        .collect();
    MatrixView {
        id: stored.id,
        version: stored.version,
        unit: matrix.unit(),
        out_of_range: matrix.policy(),
        currency: currency.code(),
        widths: axis_text(matrix.widths()),
        heights: axis_text(matrix.heights()),
        cells: prices.chunks(width_count).map(<[String]>::to_vec).collect(),
        created_at: stored.created_at,
        updated_at: stored.updated_at,
        name: stored.name,
    }
}

/// The cell a size falls on: its indexes, breakpoints (in the grid's unit) and price.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CellQuote {
    price: String,
    row: usize,
    column: usize,
    width: String,
    height: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Renamed {
    id: MatrixId,
    name: String,
    version: i64,
}

/// What an import would save, and everything wrong with the file; nothing is saved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportPreview {
    /// True when importing this file would succeed.
    valid: bool,
    unit: Unit,
    out_of_range: OutOfRangePolicy,
    /// The distinct sizes of the good lines, ascending.
    widths: Vec<String>,
    heights: Vec<String>,
    /// The first good lines, in file order (at most [`MAX_PREVIEW_ROWS`]).
    rows: Vec<PreviewRow>,
    /// How many good lines the file has.
    row_count: usize,
    /// The first problems of bad lines ([`pricing::csv::MAX_REPORTED_PROBLEMS`]).
    line_errors: Vec<LineError>,
    line_error_count: usize,
    /// The first problems of the grid the good lines make (missing cells, too many
    /// breakpoints…).
    matrix_problems: Vec<ProblemView>,
    matrix_problem_count: usize,
}

/// Good lines a preview shows: enough to see the file was read right.
const MAX_PREVIEW_ROWS: usize = 100;

#[derive(Debug, Serialize)]
struct PreviewRow {
    line: u64,
    width: String,
    height: String,
    price: String,
}

#[derive(Debug, Serialize)]
struct ProblemView {
    message: String,
    #[serde(flatten)]
    problem: MatrixProblem,
}

// --- handlers --------------------------------------------------------------------------------

async fn list(
    State(state): State<AppState>,
    session: AdminSession,
) -> Result<Json<MatrixList>, ApiError> {
    Ok(Json(MatrixList {
        matrices: storage::list(&state.db, session.store.id).await?,
    }))
}

async fn create(
    State(state): State<AppState>,
    session: AdminSession,
    JsonBody(body): JsonBody<CreateMatrix>,
) -> Result<(StatusCode, Json<MatrixView>), ApiError> {
    let store = &session.store;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", parse_name(&body.name));
    let grid = GridText {
        unit: body.unit.as_deref(),
        out_of_range: body.out_of_range.as_deref(),
        widths: &body.widths,
        heights: &body.heights,
        cells: &body.cells,
    };
    let defaults = (store.unit_preference, store.out_of_range_default);
    let matrix = grid.parse(defaults, store.currency, &mut errors);
    let (name, matrix) = errors.finish(name.zip(matrix))?;
    let created = service::create(
        &state.db,
        &session,
        &state.plans,
        &name,
        &matrix,
        Action::MatrixCreate,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(matrix_view(created, store.currency)),
    ))
}

/// `POST /app/api/matrices/quote`: the editor's "price a size" preview, on the grid being
/// edited — the server's lookup, so the page never prices on its own.
async fn quote(
    session: AdminSession,
    JsonBody(body): JsonBody<QuoteGrid>,
) -> Result<Json<CellQuote>, ApiError> {
    let store = &session.store;
    let grid = GridText {
        unit: body.unit.as_deref(),
        out_of_range: body.out_of_range.as_deref(),
        widths: &body.widths,
        heights: &body.heights,
        cells: &body.cells,
    };
    let defaults = (store.unit_preference, store.out_of_range_default);
    let mut errors = FieldErrors::default();
    let matrix = grid.parse(defaults, store.currency, &mut errors);
    let size_unit = match body.size_unit.as_deref() {
        Some(text) => errors.check("sizeUnit", text.parse::<Unit>()),
        None => matrix.as_ref().map(PriceMatrix::unit),
    };
    let size = size_unit.and_then(|unit| {
        let width = errors.check("width", Dimension::parse(&body.width, unit));
        let height = errors.check("height", Dimension::parse(&body.height, unit));
        width.zip(height)
    });
    let (matrix, (width, height)) = errors.finish(matrix.zip(size))?;
    let hit = matrix
        .lookup(width, height)
        .map_err(|out_of_range| ApiError::bad_request(format!("{out_of_range}.")))?;
    Ok(Json(CellQuote {
        price: Money::from_minor(hit.price_minor, store.currency).to_string(),
        row: hit.height_index,
        column: hit.width_index,
        width: hit.width.value().to_string(),
        height: hit.height.value().to_string(),
    }))
}

async fn show(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<Json<MatrixView>, ApiError> {
    let stored = storage::load(&state.db, session.store.id, MatrixId::new(id)).await?;
    Ok(Json(matrix_view(stored, session.store.currency)))
}

async fn replace(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<ReplaceMatrix>,
) -> Result<Json<MatrixView>, ApiError> {
    let current = storage::load(&state.db, session.store.id, MatrixId::new(id)).await?;
    let grid = GridText {
        unit: body.unit.as_deref(),
        out_of_range: body.out_of_range.as_deref(),
        widths: &body.widths,
        heights: &body.heights,
        cells: &body.cells,
    };
    let defaults = (current.matrix.unit(), current.matrix.policy());
    let currency = session.store.currency;
    let mut errors = FieldErrors::default();
    let matrix = grid.parse(defaults, currency, &mut errors);
    let matrix = errors.finish(matrix)?;
    let replaced = service::replace(&state.db, &session, &current, body.version, &matrix).await?;
    Ok(Json(matrix_view(replaced, currency)))
}

async fn rename(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<RenameMatrix>,
) -> Result<Json<Renamed>, ApiError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", parse_name(&body.name));
    let name = errors.finish(name)?;
    let id = MatrixId::new(id);
    let version = service::rename(&state.db, &session, id, &name).await?;
    Ok(Json(Renamed { id, name, version }))
}

async fn duplicate(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<(StatusCode, Json<MatrixView>), ApiError> {
    let copy = service::duplicate(&state.db, &session, &state.plans, MatrixId::new(id)).await?;
    Ok((
        StatusCode::CREATED,
        Json(matrix_view(copy, session.store.currency)),
    ))
}

async fn remove(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<StatusCode, ApiError> {
    service::delete(&state.db, &session, MatrixId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn export(
    State(state): State<AppState>,
    session: AdminSession,
    PathParam(id): PathParam<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let stored = storage::load(&state.db, session.store.id, MatrixId::new(id)).await?;
    let csv = pricing::csv::export(&stored.matrix, session.store.currency);
    let disposition = format!("attachment; filename=\"{}.csv\"", file_stem(&stored.name));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    ))
}

/// A matrix name made safe for a download's file name (no quotes, slashes or control bytes).
fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `POST /app/api/matrices/import?name=&unit=&outOfRange=&preview=`: a CSV file
/// (`width,height,price`). With `preview=true` the parsed file is returned and nothing saved.
async fn import(
    State(state): State<AppState>,
    session: AdminSession,
    QueryParams(query): QueryParams<ImportQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<axum::response::Response, ApiError> {
    let body = body?;
    let store = &session.store;
    Entitlement::load(&state.db, &state.plans, store.id)
        .await?
        .ensure_feature(Resource::CsvImport)?;
    let mut errors = FieldErrors::default();
    let defaults = (store.unit_preference, store.out_of_range_default);
    let (unit, policy) = unit_and_policy(
        &mut errors,
        query.unit.as_deref(),
        query.out_of_range.as_deref(),
        defaults,
    );
    errors.into_result().map_err(ApiError::invalid)?;
    // A preview saves nothing and needs no name.
    let name = match (&query.name, query.preview) {
        (_, true) => None,
        (Some(name), false) => {
            Some(parse_name(name).map_err(|message| ApiError::invalid_field("name", message))?)
        }
        (None, false) => {
            return Err(ApiError::invalid_field(
                "name",
                "is required to save the matrix",
            ))
        }
    };
    let grid = pricing::csv::parse_grid(&body, unit, store.currency).map_err(csv_error)?;
    let Some(name) = name else {
        return Ok(Json(preview(grid, unit, policy)).into_response());
    };
    let matrix = grid.into_matrix(unit, policy).map_err(csv_error)?;
    let created = service::create(
        &state.db,
        &session,
        &state.plans,
        &name,
        &matrix,
        Action::MatrixImport,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(matrix_view(created, store.currency)),
    )
        .into_response())
}

fn preview(grid: CsvGrid, unit: Unit, policy: OutOfRangePolicy) -> ImportPreview {
    let distinct = |value: fn(&pricing::csv::GridCell) -> Decimal| {
        let values: BTreeSet<Decimal> = grid.cells.iter().map(value).collect();
        values.into_iter().map(|v| v.to_string()).collect()
    };
    let widths = distinct(|cell| cell.width.value());
    let heights = distinct(|cell| cell.height.value());
    let row_count = grid.cells.len();
    let rows = grid
        .cells
        .iter()
        .take(MAX_PREVIEW_ROWS)
        .map(|cell| PreviewRow {
            line: cell.line,
            width: cell.width.value().to_string(),
            height: cell.height.value().to_string(),
            price: cell.price.to_string(),
        })
        .collect();
    let (line_errors, line_error_count, matrix_problems, matrix_problem_count) =
        match grid.into_matrix(unit, policy) {
            Err(CsvImportError::Invalid {
                line_errors,
                line_error_count,
                matrix_problems,
                matrix_problem_count,
            }) => (
                line_errors,
                line_error_count,
                matrix_problems,
                matrix_problem_count,
            ),
            _ => (Vec::new(), 0, Vec::new(), 0),
        };
    ImportPreview {
        valid: line_error_count == 0 && matrix_problem_count == 0,
        unit,
        out_of_range: policy,
        widths,
        heights,
        rows,
        row_count,
        line_errors,
        line_error_count,
        matrix_problem_count,
        matrix_problems: matrix_problems
            .into_iter()
            .map(|problem| ProblemView {
                message: problem.to_string(),
                problem,
            })
            .collect(),
    }
}

/// A file over the limit is 413; bad lines and grid problems are 422, one entry per problem.
fn csv_error(error: CsvImportError) -> ApiError {
    match error {
        CsvImportError::TooLarge { .. } => ApiError::PayloadTooLarge(format!("{error}.")),
        CsvImportError::TooManyLines { .. } => ApiError::invalid_field("file", error.to_string()),
        CsvImportError::Invalid {
            line_errors,
            line_error_count,
            matrix_problems,
            matrix_problem_count,
        } => {
            let unreported = (line_error_count + matrix_problem_count)
                .saturating_sub(line_errors.len() + matrix_problems.len());
            let mut errors = FieldErrors::default();
            for error in line_errors {
                let field = match error.column {
                    Some(column) => format!("line {}.{column}", error.line),
                    None => format!("line {}", error.line),
                };
                errors.add(field, error.problem);
            }
            for problem in matrix_problems {
                errors.add("grid", problem);
            }
            if unreported > 0 {
                errors.add("file", format!("and {unreported} more problems"));
            }
            errors.into()
        }
    }
}

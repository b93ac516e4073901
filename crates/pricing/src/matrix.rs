//! Price matrices: width × height breakpoints with a price in every cell, and lookup.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};
use thiserror::Error;

use crate::dimension::{Dimension, DimensionError, Unit};

/// Each axis has at least 1 and at most this many breakpoints.
pub const MAX_BREAKPOINTS: usize = 100;

/// What a lookup does with a size above the last breakpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutOfRangePolicy {
    /// Refuse, with an error that states the allowed range.
    #[default]
    Reject,
    /// Price it as the last breakpoint.
    Clamp,
}

/// The policy name is not "reject" or "clamp".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown out-of-range policy '{input}': use reject or clamp")]
pub struct PolicyError {
    pub input: String,
}

impl OutOfRangePolicy {
    pub const fn as_str(&self) -> &'static str {
        match self {
            OutOfRangePolicy::Reject => "reject",
            OutOfRangePolicy::Clamp => "clamp",
        }
    }
}

impl fmt::Display for OutOfRangePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutOfRangePolicy {
    type Err = PolicyError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "reject" => Ok(OutOfRangePolicy::Reject),
            "clamp" => Ok(OutOfRangePolicy::Clamp),
            _ => Err(PolicyError {
                input: name.to_owned(),
            }),
        }
    }
}

/// One of the two axes of a matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    Width,
    Height,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::Width => "width",
            Axis::Height => "height",
        })
    }
}

/// One thing wrong with a would-be matrix. Positions are 1-based, as a merchant counts.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum MatrixProblem {
    #[error("the matrix has no {axis} breakpoints: add at least one")]
    NoBreakpoints { axis: Axis },
    #[error("the matrix has {count} {axis} breakpoints; at most {MAX_BREAKPOINTS} are allowed")]
    TooManyBreakpoints { axis: Axis, count: usize },
    #[error("{axis} breakpoint {position}: {reason}")]
    InvalidBreakpoint {
        axis: Axis,
        position: usize,
        #[serde(serialize_with = "serialize_display")]
        reason: DimensionError,
    },
    #[error("{axis} breakpoint {position} ({value} {unit}) must be larger than the one before it ({previous} {unit}): breakpoints must be strictly increasing")]
    NotIncreasing {
        axis: Axis,
        position: usize,
        value: Decimal,
        previous: Decimal,
        unit: Unit,
    },
    #[error("the matrix has {found} rows of prices but {expected} height breakpoints")]
    WrongRowCount { expected: usize, found: usize },
    #[error("the row for height {height} {unit} has {found} prices but there are {expected} width breakpoints")]
    WrongCellCount {
        height: Decimal,
        unit: Unit,
        expected: usize,
        found: usize,
    },
    #[error(
        "no price for width {width} {unit} × height {height} {unit}: every cell needs a price"
    )]
    MissingCell {
        width: Decimal,
        height: Decimal,
        unit: Unit,
    },
    #[error("the price for width {width} {unit} × height {height} {unit} is negative: prices must be 0 or more")]
    NegativePrice {
        width: Decimal,
        height: Decimal,
        unit: Unit,
        price_minor: i64,
    },
}

/// Serialises an error field as its message: clients show it, they do not parse it.
pub(crate) fn serialize_display<T: fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Everything wrong with a would-be matrix, all at once.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
pub struct MatrixError {
    pub problems: Vec<MatrixProblem>,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the price matrix is not valid: ")?;
        for (index, problem) in self.problems.iter().enumerate() {
            let separator = if index == 0 { "" } else { "; " };
            write!(f, "{separator}{problem}")?;
        }
        Ok(())
    }
}

/// A requested size above the last breakpoint of one axis under the `reject` policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxisExceeded {
    pub axis: Axis,
    pub requested: Dimension,
    pub min: Dimension,
    pub max: Dimension,
}

impl fmt::Display for AxisExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (axis, max, min) = (self.axis, self.max, self.min);
        write!(f, "{axis} {}", self.requested)?;
        if self.requested.unit() != max.unit() {
            write!(
                f,
                " ({} {})",
                self.requested.to_unit(max.unit()),
                max.unit()
            )?;
        }
        write!(
            f,
            " is larger than the maximum {axis} {max} (allowed range: {} to {max})",
            min
        )
    }
}

/// The requested size is outside the matrix; lists every axis that is exceeded (width first).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct OutOfRange {
    exceeded: Vec<AxisExceeded>,
}

impl OutOfRange {
    /// The exceeded axes: one or two, width first.
    pub fn axes(&self) -> &[AxisExceeded] {
        &self.exceeded
    }
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, exceeded) in self.exceeded.iter().enumerate() {
            let separator = if index == 0 { "" } else { "; " };
            write!(f, "{separator}{exceeded}")?;
        }
        Ok(())
    }
}

/// The cell a lookup landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellHit {
    pub width_index: usize,
    pub height_index: usize,
    /// The width breakpoint used (in the matrix unit).
    pub width: Dimension,
    /// The height breakpoint used (in the matrix unit).
    pub height: Dimension,
    pub price_minor: i64,
}

/// One cell of a matrix, as yielded by [`PriceMatrix::cells`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixCell {
    pub width_index: usize,
    pub height_index: usize,
    pub width: Dimension,
    pub height: Dimension,
    pub price_minor: i64,
}

/// The smallest and largest breakpoint of each axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixRange {
    pub min_width: Dimension,
    pub max_width: Dimension,
    pub min_height: Dimension,
    pub max_height: Dimension,
}

/// One axis: 1–100 strictly increasing breakpoints, with their base units kept beside them so
/// a lookup is a binary search over integers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Breakpoints {
    dimensions: Vec<Dimension>,
    base_units: Vec<i64>,
}

impl Breakpoints {
    /// Validates one axis, adding its problems to `problems`.
    fn validate(
        axis: Axis,
        unit: Unit,
        values: &[Decimal],
        problems: &mut Vec<MatrixProblem>,
    ) -> Option<Breakpoints> {
        let problems_before = problems.len();
        if values.is_empty() {
            problems.push(MatrixProblem::NoBreakpoints { axis });
        }
        if values.len() > MAX_BREAKPOINTS {
            problems.push(MatrixProblem::TooManyBreakpoints {
                axis,
                count: values.len(),
            });
        }
        let mut dimensions = Vec::with_capacity(values.len());
        for (index, value) in values.iter().enumerate() {
            match Dimension::new(*value, unit) {
                Ok(dimension) => dimensions.push(dimension),
                Err(reason) => problems.push(MatrixProblem::InvalidBreakpoint {
                    axis,
                    position: index + 1,
                    reason,
                }),
            }
        }
        for (index, pair) in values.windows(2).enumerate() {
            if pair[1] <= pair[0] {
                problems.push(MatrixProblem::NotIncreasing {
                    axis,
                    position: index + 2,
                    value: pair[1],
                    previous: pair[0],
                    unit,
                });
            }
        }
        (problems.len() == problems_before).then(|| Breakpoints {
            base_units: dimensions.iter().map(Dimension::base_units).collect(),
            dimensions,
        })
    }

    /// The index of the breakpoint that prices `request`: the first one at least as long
    /// (exact match, or round up; anything below the first is the first). Above the last:
    /// the last under `Clamp`, `None` under `Reject`.
    fn locate(&self, request: Dimension, policy: OutOfRangePolicy) -> Option<usize> {
        let index = self
            .base_units
            .partition_point(|&base| base < request.base_units());
        if index < self.base_units.len() {
            return Some(index);
        }
        match policy {
            OutOfRangePolicy::Clamp => self.base_units.len().checked_sub(1),
            OutOfRangePolicy::Reject => None,
        }
    }

    fn first(&self) -> Dimension {
        // Non-empty by construction (validate refuses an empty axis).
        self.dimensions[0]
    }

    fn last(&self) -> Dimension {
        self.dimensions[self.dimensions.len() - 1]
    }

    fn exceeded(&self, axis: Axis, requested: Dimension) -> AxisExceeded {
        AxisExceeded {
            axis,
            requested,
            min: self.first(),
            max: self.last(),
        }
    }
}

/// A valid price matrix: one unit, an out-of-range policy, 1–100 strictly increasing positive
/// breakpoints per axis and a non-negative price (minor units) in every cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceMatrix {
    unit: Unit,
    policy: OutOfRangePolicy,
    widths: Breakpoints,
    heights: Breakpoints,
    /// Row-major: `prices[height_index * widths.len() + width_index]`.
    prices: Vec<i64>,
}

impl PriceMatrix {
    /// Builds a matrix from breakpoints and a grid `cells[height_index][width_index]` of prices
    /// in minor units (`None` = missing). Reports every problem at once.
    pub fn new(
        unit: Unit,
        policy: OutOfRangePolicy,
        widths: Vec<Decimal>,
        heights: Vec<Decimal>,
        cells: Vec<Vec<Option<i64>>>,
    ) -> Result<PriceMatrix, MatrixError> {
        let mut problems = Vec::new();
        let width_axis = Breakpoints::validate(Axis::Width, unit, &widths, &mut problems);
        let height_axis = Breakpoints::validate(Axis::Height, unit, &heights, &mut problems);
        // A grid checked against an axis of impossible size would only repeat that problem.
        let prices = if axis_size_ok(&widths) && axis_size_ok(&heights) {
            collect_prices(unit, &widths, &heights, &cells, &mut problems)
        } else {
            Vec::new()
        };
        match (width_axis, height_axis) {
            (Some(widths), Some(heights)) if problems.is_empty() => Ok(PriceMatrix {
                unit,
                policy,
                widths,
                heights,
                prices,
            }),
            _ => Err(MatrixError { problems }),
        }
    }

    /// Builds a matrix from `(width, height, price minor)` triples in any order. The axes are
    /// the distinct widths and heights, sorted; a later duplicate of a (width, height) pair
    /// replaces the earlier one; pairs with no price are reported as missing cells.
    pub fn from_cells(
        unit: Unit,
        policy: OutOfRangePolicy,
        cells: impl IntoIterator<Item = (Decimal, Decimal, i64)>,
    ) -> Result<PriceMatrix, MatrixError> {
        // Decimal orders numerically, so 1.5 and 1.50 are the same breakpoint.
        let prices: BTreeMap<(Decimal, Decimal), i64> = cells
            .into_iter()
            .map(|(width, height, price)| ((width.normalize(), height.normalize()), price))
            .collect();
        let widths: Vec<Decimal> = prices
            .keys()
            .map(|(width, _)| *width)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let heights: Vec<Decimal> = prices
            .keys()
            .map(|(_, height)| *height)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        // Only materialise the grid when it is small enough to be a matrix at all: thousands of
        // distinct values would otherwise mean millions of cells.
        let grid = if axis_size_ok(&widths) && axis_size_ok(&heights) {
            heights
                .iter()
                .map(|height| {
                    widths
                        .iter()
                        .map(|width| prices.get(&(*width, *height)).copied())
                        .collect()
                })
                .collect()
        } else {
            Vec::new()
        };
        PriceMatrix::new(unit, policy, widths, heights, grid)
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    pub fn policy(&self) -> OutOfRangePolicy {
        self.policy
    }

    /// The same matrix with another out-of-range policy.
    pub fn with_policy(self, policy: OutOfRangePolicy) -> PriceMatrix {
        PriceMatrix { policy, ..self }
    }

    /// Width breakpoints, strictly increasing, in the matrix unit.
    pub fn widths(&self) -> &[Dimension] {
        &self.widths.dimensions
    }

    /// Height breakpoints, strictly increasing, in the matrix unit.
    pub fn heights(&self) -> &[Dimension] {
        &self.heights.dimensions
    }

    /// The price of one cell in minor units, `None` when an index is past its axis.
    pub fn price_minor(&self, width_index: usize, height_index: usize) -> Option<i64> {
        let width_count = self.widths.dimensions.len();
        if width_index >= width_count || height_index >= self.heights.dimensions.len() {
            return None;
        }
        self.prices
            .get(height_index * width_count + width_index)
            .copied()
    }

    /// Every cell, row by row (heights outer, widths inner).
    pub fn cells(&self) -> impl Iterator<Item = MatrixCell> + '_ {
        let rows = self.heights.dimensions.iter().enumerate();
        rows.flat_map(move |(height_index, height)| {
            self.widths
                .dimensions
                .iter()
                .enumerate()
                .map(move |(width_index, width)| MatrixCell {
                    width_index,
                    height_index,
                    width: *width,
                    height: *height,
                    price_minor: self.cell_price(width_index, height_index),
                })
        })
    }

    /// The smallest and largest breakpoints (the range a `reject` matrix accepts is up to max).
    pub fn range(&self) -> MatrixRange {
        MatrixRange {
            min_width: self.widths.first(),
            max_width: self.widths.last(),
            min_height: self.heights.first(),
            max_height: self.heights.last(),
        }
    }

    /// Finds the cell that prices `width × height` (in any units) per the pricing rules: exact
    /// match → that breakpoint; between two → the higher; below the first → the first; above
    /// the last → error (`Reject`) or the last (`Clamp`). No allocation unless out of range.
    pub fn lookup(&self, width: Dimension, height: Dimension) -> Result<CellHit, OutOfRange> {
        let width_index = self.widths.locate(width, self.policy);
        let height_index = self.heights.locate(height, self.policy);
        match (width_index, height_index) {
            (Some(width_index), Some(height_index)) => Ok(CellHit {
                width_index,
                height_index,
                width: self.widths.dimensions[width_index],
                height: self.heights.dimensions[height_index],
                price_minor: self.cell_price(width_index, height_index),
            }),
            _ => Err(OutOfRange {
                exceeded: [
                    width_index
                        .is_none()
                        .then(|| self.widths.exceeded(Axis::Width, width)),
                    height_index
                        .is_none()
                        .then(|| self.heights.exceeded(Axis::Height, height)),
                ]
                .into_iter()
                .flatten()
                .collect(),
            }),
        }
    }

    /// Indices come from this matrix's own axes, so they are in bounds.
    fn cell_price(&self, width_index: usize, height_index: usize) -> i64 {
        self.prices[height_index * self.widths.dimensions.len() + width_index]
    }
}

fn axis_size_ok(values: &[Decimal]) -> bool {
    (1..=MAX_BREAKPOINTS).contains(&values.len())
}

/// Checks the grid shape and every cell, returning the prices row-major (complete only when no
/// problem was added).
fn collect_prices(
    unit: Unit,
    widths: &[Decimal],
    heights: &[Decimal],
    cells: &[Vec<Option<i64>>],
    problems: &mut Vec<MatrixProblem>,
) -> Vec<i64> {
    if cells.len() != heights.len() {
        problems.push(MatrixProblem::WrongRowCount {
            expected: heights.len(),
            found: cells.len(),
        });
    }
    let mut prices = Vec::with_capacity(widths.len() * heights.len());
    for (row, height) in cells.iter().zip(heights) {
        if row.len() != widths.len() {
            problems.push(MatrixProblem::WrongCellCount {
                height: *height,
                unit,
                expected: widths.len(),
                found: row.len(),
            });
        }
        for (cell, width) in row.iter().zip(widths) {
            let (width, height) = (*width, *height);
            match *cell {
                None => problems.push(MatrixProblem::MissingCell {
                    width,
                    height,
                    unit,
                }),
                Some(price_minor) if price_minor < 0 => {
                    problems.push(MatrixProblem::NegativePrice {
                        width,
                        height,
                        unit,
                        price_minor,
                    })
                }
                Some(price_minor) => prices.push(price_minor),
            }
        }
    }
    prices
}

//! Order quantities.

use thiserror::Error;

/// How many identical pieces are ordered: 1 to 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity(u32);

/// The quantity is outside 1–10,000.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "quantity {given} is out of range: order between {} and {}",
    Quantity::MIN,
    Quantity::MAX
)]
pub struct QuantityError {
    pub given: u32,
}

impl Quantity {
    pub const MIN: u32 = 1;
    pub const MAX: u32 = 10_000;
    pub const ONE: Quantity = Quantity(1);

    pub fn new(quantity: u32) -> Result<Quantity, QuantityError> {
        (Self::MIN..=Self::MAX)
            .contains(&quantity)
            .then_some(Quantity(quantity))
            .ok_or(QuantityError { given: quantity })
    }

    pub const fn get(&self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_ten_thousand() {
        assert_eq!(Quantity::new(1).map(|q| q.get()), Ok(1));
        assert_eq!(Quantity::new(10_000).map(|q| q.get()), Ok(10_000));
        assert_eq!(Quantity::ONE.get(), 1);
    }

    #[test]
    fn rejects_zero_and_more_than_ten_thousand() {
        assert_eq!(Quantity::new(0), Err(QuantityError { given: 0 }));
        assert_eq!(
            Quantity::new(10_001).unwrap_err().to_string(),
            "quantity 10001 is out of range: order between 1 and 10000"
        );
    }
}

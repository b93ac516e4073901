//! Gridprice pricing domain.

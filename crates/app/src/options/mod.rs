//! Option groups ("Glass type: Clear / Tempered +15.00 / Laminated +20%"), their choices, and
//! which groups each product shows.

pub mod pages;
pub mod routes;
pub mod service;

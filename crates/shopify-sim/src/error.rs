//! Errors of the simulator's library API.

use std::net::SocketAddr;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot bind the simulator to {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read the simulator's local address: {0}")]
    LocalAddr(std::io::Error),
    #[error("invalid simulator configuration: {0}")]
    Config(String),
}

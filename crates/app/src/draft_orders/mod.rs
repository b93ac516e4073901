//! Draft orders: every order Gridprice creates in Shopify, recorded once and counted once.

pub mod admin;
pub mod duplicates;
pub mod reconcile;
pub mod routes;
pub mod service;
mod snapshot;
pub mod storage;

pub use snapshot::DraftOrderResponse;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct DraftOrderRecordId(i64);

impl DraftOrderRecordId {
    pub fn new(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// `pending` until Shopify confirms, then `created`; `failed` when Shopify refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordStatus {
    Pending,
    Created,
    Failed,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Created => "created",
            Self::Failed => "failed",
        }
    }
}

impl std::str::FromStr for RecordStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Self::Pending),
            "created" => Ok(Self::Created),
            "failed" => Ok(Self::Failed),
            other => Err(format!(
                "unknown status {other:?} (pending, created or failed)"
            )),
        }
    }
}

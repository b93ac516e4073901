//! Keys of the rows every layer above refers to. Each is scoped by store in every query.

use serde::Serialize;

/// A store's key. Only this crate makes one from a row, so holding one means the store existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct StoreId(i64);

impl StoreId {
    pub(crate) fn from_row(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

macro_rules! row_id {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// An id as a client sent it; whether it exists is decided by a store-scoped query.
            pub fn new(id: i64) -> Self {
                Self(id)
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }
    )+};
}

row_id! {
    /// A price matrix.
    MatrixId,
    /// An option group ("Glass type").
    OptionGroupId,
    /// A choice of an option group ("Tempered").
    ChoiceId,
    /// A draft order record.
    DraftOrderRecordId,
    /// A storefront API key.
    ApiKeyId,
}

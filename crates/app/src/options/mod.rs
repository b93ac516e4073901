//! Option groups ("Glass type: Clear / Tempered +15.00 / Laminated +20%") and their choices.

pub mod routes;
pub mod service;
pub mod storage;

use pricing::Modifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct OptionGroupId(i64);

impl OptionGroupId {
    pub fn new(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct ChoiceId(i64);

impl ChoiceId {
    pub fn new(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Whether the shopper must pick a choice (or get the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Required,
    Optional,
}

impl Requirement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::Optional => "OPTIONAL",
        }
    }
}

impl std::str::FromStr for Requirement {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "REQUIRED" => Ok(Self::Required),
            "OPTIONAL" => Ok(Self::Optional),
            other => Err(format!(
                "unknown requirement {other:?} (REQUIRED or OPTIONAL)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionChoice {
    pub id: ChoiceId,
    pub label: String,
    pub modifier: Modifier,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionGroup {
    pub id: OptionGroupId,
    pub name: String,
    pub requirement: Requirement,
    pub version: i64,
    pub choices: Vec<OptionChoice>,
}

/// A group as the merchant submits it; choices keep the order given.
#[derive(Debug, Clone)]
pub struct NewOptionGroup {
    pub name: String,
    pub requirement: Requirement,
    pub choices: Vec<NewChoice>,
}

#[derive(Debug, Clone)]
pub struct NewChoice {
    pub label: String,
    pub modifier: Modifier,
    pub is_default: bool,
}

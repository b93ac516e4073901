//! Row of `breakpoints`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breakpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub matrix_id: i64,
    pub axis: String,
    pub position: i32,
    pub value_e4: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

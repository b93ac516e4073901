//! Row of `matrix_cells`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matrix_cells")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub matrix_id: i64,
    pub width_position: i32,
    pub height_position: i32,
    pub price_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

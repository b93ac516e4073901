//! Job rows. A job is claimed by a conditional UPDATE — the same on both backends — so of two
//! workers racing for it exactly one wins; a claim is a lease, and a crashed worker's job is
//! claimed again once its lease runs out.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::entities::jobs;
use crate::{Database, StorageResult};

const QUEUED: &str = "queued";
const RUNNING: &str = "running";
const FAILED: &str = "failed";
/// Candidates looked at per claim; more than one in case another worker takes the first.
const CLAIM_CANDIDATES: u64 = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Including the attempt now claimed.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Work to do later, enqueued in the transaction of what caused it so both land or neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: String,
    pub max_attempts: i32,
    /// Not due before then.
    pub run_at: DateTime<Utc>,
}

pub(crate) async fn enqueue(connection: &impl ConnectionTrait, job: &NewJob) -> StorageResult<i64> {
    let now = Utc::now();
    let row = jobs::ActiveModel {
        kind: Set(job.kind.to_owned()),
        payload: Set(job.payload.clone()),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts),
        run_at: Set(job.run_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(connection)
    .await?;
    Ok(row.id)
}

/// Claims the next due job for `lease`, or `None` when nothing is due.
pub async fn claim_next(db: &Database, lease: Duration) -> StorageResult<Option<Job>> {
    let now = Utc::now();
    let candidates = jobs::Entity::find()
        .filter(due(now))
        .order_by_asc(jobs::Column::RunAt)
        .limit(CLAIM_CANDIDATES)
        .all(db.connection())
        .await?;
    for candidate in candidates {
        let claimed = jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(RUNNING))
            .col_expr(jobs::Column::LockedUntil, Expr::value(now + lease))
            .col_expr(
                jobs::Column::Attempts,
                Expr::col(jobs::Column::Attempts).add(1),
            )
            .col_expr(jobs::Column::UpdatedAt, Expr::value(now))
            .filter(jobs::Column::Id.eq(candidate.id))
            .filter(due(now))
            .exec(db.connection())
            .await?;
        if claimed.rows_affected == 1 {
            return Ok(Some(Job {
                id: candidate.id,
                kind: candidate.kind,
                payload: candidate.payload,
                attempts: candidate.attempts + 1,
                max_attempts: candidate.max_attempts,
            }));
        }
    }
    Ok(None)
}

/// Done: the job leaves the queue.
pub async fn complete(db: &Database, id: i64) -> StorageResult<()> {
    jobs::Entity::delete_by_id(id).exec(db.connection()).await?;
    Ok(())
}

pub async fn retry_at(db: &Database, id: i64, error: &str, at: DateTime<Utc>) -> StorageResult<()> {
    set_outcome(db, id, QUEUED, error, Some(at)).await
}

/// Given up: kept with its last error for an operator to read.
pub async fn fail(db: &Database, id: i64, error: &str) -> StorageResult<()> {
    set_outcome(db, id, FAILED, error, None).await
}

/// Jobs in the queue (not yet done), for operators and tests.
pub async fn count_unfinished(db: &Database, kind: &str) -> StorageResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(jobs::Entity::find()
        .filter(jobs::Column::Kind.eq(kind))
        .filter(jobs::Column::Status.ne(FAILED))
        .count(db.connection())
        .await?)
}

async fn set_outcome(
    db: &Database,
    id: i64,
    status: &str,
    error: &str,
    run_at: Option<DateTime<Utc>>,
) -> StorageResult<()> {
    let mut update = jobs::Entity::update_many()
        .col_expr(jobs::Column::Status, Expr::value(status))
        .col_expr(jobs::Column::LastError, Expr::value(error))
        .col_expr(
            jobs::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(jobs::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(at) = run_at {
        update = update.col_expr(jobs::Column::RunAt, Expr::value(at));
    }
    update
        .filter(jobs::Column::Id.eq(id))
        .exec(db.connection())
        .await?;
    Ok(())
}

fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(jobs::Column::Status.eq(QUEUED))
                .add(jobs::Column::RunAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(jobs::Column::Status.eq(RUNNING))
                .add(jobs::Column::LockedUntil.lt(now)),
        )
}

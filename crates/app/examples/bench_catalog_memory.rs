//! Memory held by the storefront catalogue for many cached 20×20 matrices (docs/PERFORMANCE.md).
//!
//! Saves `--products` matrices of 20×20 breakpoints, each assigned to its own product, in a
//! SQLite file through the storage layer, then loads every product through the real
//! `CatalogCache` (as the first price request for it would) and reports the Rust heap's live
//! bytes — counted by a global allocator — before and after, and what invalidation gives back.
//! SQLite's own page cache is allocated by C code and not counted; it is not the catalogue.
//!
//! `cargo run --release -p gridprice --example bench_catalog_memory`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::Parser;
use gridprice::catalog::CatalogCache;
use gridprice_storage::audit::{Action, AuditEntry};
use gridprice_storage::products::{self, Move, NewAssignment};
use gridprice_storage::testing::{new_store, test_editor, write};
use gridprice_storage::{matrices, Database, DatabaseUrl, UnitOfWork};
use pricing::{Decimal, OutOfRangePolicy, PriceMatrix, Unit};
use shopify::ProductGid;

/// The System allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    products: u64,
    /// Breakpoints on each axis.
    #[arg(long, default_value_t = 20)]
    size: u32,
    /// Matrices saved per transaction while populating the database.
    #[arg(long, default_value_t = 500)]
    batch: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let db = Database::connect(&DatabaseUrl::sqlite_file(&dir.path().join("bench.db"))).await?;
    db.migrate().await?;
    let store = new_store(&db, "bench.myshopify.com", "USD").await;
    let editor = test_editor(&db, store.id).await;

    let populating = Instant::now();
    for first in (1..=args.products).step_by(args.batch as usize) {
        let work = UnitOfWork::begin(&db, &editor).await?;
        for n in first..(first + args.batch).min(args.products + 1) {
            let grid = matrix(args.size, n)?;
            let saved = matrices::create(&work, &format!("Matrix {n}"), &grid).await?;
            let gid = format!("gid://shopify/Product/{n}");
            let assignment = NewAssignment {
                product_gid: &gid,
                product_title: "Made-to-measure panel",
                product_image_url: None,
                default_variant_gid: None,
                matrix_id: saved.id,
            };
            products::assign(&work, assignment, Move::Refuse).await?;
        }
        work.commit(AuditEntry::new(Action::MatrixImport, first))
            .await?;
    }
    println!(
        "saved {} matrices of {}×{} in {:.1} s",
        args.products,
        args.size,
        args.size,
        populating.elapsed().as_secs_f64()
    );

    let cache = CatalogCache::new(&db, gridprice::metrics::Metrics::new());
    let before = LIVE.load(Ordering::Relaxed);
    let loading = Instant::now();
    for n in 1..=args.products {
        cache
            .product(store.id, ProductGid::from_numeric(n)?)
            .await?;
    }
    let loaded = loading.elapsed();
    let after = LIVE.load(Ordering::Relaxed);
    // Every product is cached: a second pass must read no database and allocate nothing lasting.
    for n in 1..=args.products {
        cache
            .product(store.id, ProductGid::from_numeric(n)?)
            .await?;
    }
    let warm = LIVE.load(Ordering::Relaxed);
    // Any change to the store drops what the catalogue kept of it.
    write(&db, store.id, Action::SettingsUpdate, async |_| Ok(())).await?;
    let invalidated = LIVE.load(Ordering::Relaxed);

    let mb = |bytes: usize| bytes as f64 / 1e6;
    println!(
        "loaded {} products through CatalogCache in {:.1} s; live heap {:.1} MB before, {:.1} MB after",
        args.products,
        loaded.as_secs_f64(),
        mb(before),
        mb(after)
    );
    println!();
    println!("| live heap | bytes | MB | bytes per matrix |");
    println!("|---|---|---|---|");
    for (name, bytes) in [
        ("grown by loading (the cache's hold)", after - before),
        ("grown after a second, warm pass", warm - before),
        ("freed by invalidate_store", after - invalidated),
    ] {
        println!(
            "| {name} | {bytes} | {:.1} | {} |",
            mb(bytes),
            bytes as u64 / args.products
        );
    }
    Ok(())
}

/// A `size`×`size` matrix in mm (100, 200, … on both axes) whose prices differ per `n`.
fn matrix(size: u32, n: u64) -> Result<PriceMatrix, pricing::MatrixError> {
    let axis: Vec<Decimal> = (1..=size).map(|i| Decimal::from(i * 100)).collect();
    let cells = (0..size)
        .map(|h| {
            (0..size)
                .map(|w| Some(1_000 + n as i64 + i64::from(h * size + w) * 10))
                .collect()
        })
        .collect();
    PriceMatrix::new(
        Unit::Millimetre,
        OutOfRangePolicy::Reject,
        axis.clone(),
        axis,
        cells,
    )
}

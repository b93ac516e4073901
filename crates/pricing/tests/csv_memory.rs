//! The memory a CSV import takes for 1 MiB files built to be the worst case (hardening issue:
//! a file of one-column lines once took ~270 MB and answered with a 47 MB error list).
//!
//! Its own test binary, so the counting allocator measures nothing but these imports; the
//! cases run one after another under a lock. `cargo test -p pricing --test csv_memory --
//! --nocapture` prints the figures recorded in docs/PERFORMANCE.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pricing::csv::{
    parse_grid, CsvImportError, MAX_CSV_BYTES, MAX_PRICE_LINES, MAX_REPORTED_PROBLEMS,
};
use pricing::{Currency, OutOfRangePolicy, Unit};

/// Counts live bytes and remembers the highest count since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most an import may take on top of its file: a few times the file, never hundreds.
const BUDGET: usize = 8 * MAX_CSV_BYTES;

/// `line(i)` repeated up to 1 MiB.
fn file_of(line: impl Fn(usize) -> String) -> Vec<u8> {
    let mut file = Vec::with_capacity(MAX_CSV_BYTES);
    for i in 0.. {
        let next = line(i);
        if file.len() + next.len() > MAX_CSV_BYTES {
            break;
        }
        file.extend_from_slice(next.as_bytes());
    }
    file
}

/// Peak bytes allocated while importing `file` (the file itself not counted), and the result.
fn import(file: &[u8]) -> (usize, Result<pricing::PriceMatrix, CsvImportError>) {
    let usd = Currency::from_code("USD").expect("USD");
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = parse_grid(file, Unit::Millimetre, usd)
        .and_then(|grid| grid.into_matrix(Unit::Millimetre, OutOfRangePolicy::Reject));
    // What the error would be shown as: the message is built from it.
    if let Err(error) = &result {
        std::hint::black_box(error.to_string());
    }
    (PEAK.load(Ordering::Relaxed) - base, result)
}

fn reported(result: &Result<pricing::PriceMatrix, CsvImportError>) -> (usize, usize) {
    match result {
        Err(CsvImportError::Invalid {
            line_errors,
            line_error_count,
            matrix_problems,
            matrix_problem_count,
        }) => {
            assert!(line_errors.len() <= MAX_REPORTED_PROBLEMS);
            assert!(matrix_problems.len() <= MAX_REPORTED_PROBLEMS);
            (*line_error_count, *matrix_problem_count)
        }
        other => panic!("expected an invalid file, got {other:?}"),
    }
}

#[test]
fn a_worst_case_file_of_one_mib_takes_a_few_mib_at_most() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, Vec<u8>); 4] = [
        ("one-column lines", file_of(|_| "1\n".to_owned())),
        (
            "three bad fields a line",
            file_of(|_| "1x,y,-\n".to_owned()),
        ),
        (
            "a diagonal: 100 x 100 breakpoints, 9,900 missing cells",
            file_of(|i| match i {
                0..100 => format!("{},{},1\n", i + 1, i + 1),
                _ => "\n".to_owned(),
            }),
        ),
        (
            "distinct sizes on every line",
            file_of(|i| format!("{},{},1\n", i + 1, i + 1)),
        ),
    ];
    for (name, file) in cases {
        let (peak, result) = import(&file);
        println!(
            "{name}: file {} bytes, peak {} bytes ({:.1}x the file)",
            file.len(),
            peak,
            peak as f64 / file.len() as f64
        );
        assert!(peak < BUDGET, "{name}: {peak} bytes");
        match name {
            "one-column lines" => assert_eq!(reported(&result).0, file.len() / 2),
            "three bad fields a line" => assert_eq!(reported(&result).0, 3 * file.len() / 7),
            "distinct sizes on every line" => assert!(matches!(
                result,
                Err(CsvImportError::TooManyLines { limit }) if limit == MAX_PRICE_LINES
            )),
            _ => assert_eq!(reported(&result).1, 9_900),
        }
    }
}

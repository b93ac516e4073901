use std::process::ExitCode;

/// glibc's allocator serialises threads that free what another thread allocated — the normal
/// case for tokio's work-stealing workers — and its arena locks showed as the top cost of a
/// price request (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    gridprice::cli::run()
}

//! `gridprice migrate` and start-up configuration errors, through the real binary.

use std::process::{Command, Output};

use gridprice_storage::testing::{postgres_admin_url, with_database};

fn gridprice(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gridprice"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("GRIDPRICE_DATA_DIR");
    command
        .envs(env.iter().copied())
        .output()
        .expect("run gridprice")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_migrates(env: &[(&str, &str)]) {
    let before = stdout(&gridprice(&["migrate", "--status"], env));
    assert!(before.starts_with("pending "), "{before}");
    let applied = stdout(&gridprice(&["migrate"], env));
    assert!(
        applied.starts_with("applied  m20261125_000001_initial"),
        "{applied}"
    );
    let again = stdout(&gridprice(&["migrate"], env));
    assert_eq!(again, applied, "a second run changes nothing");
    assert_eq!(stdout(&gridprice(&["migrate", "--status"], env)), applied);
}

#[test]
fn migrate_creates_the_sqlite_file_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("nested/data");
    assert_migrates(&[("GRIDPRICE_DATA_DIR", data_dir.to_str().unwrap())]);
    assert!(data_dir.join("gridprice.db").exists());
}

#[test]
fn migrate_applies_to_postgresql() {
    let Some(server) = postgres_admin_url() else {
        return;
    };
    let name = format!("gridprice_test_{}", uuid::Uuid::new_v4().simple());
    tokio_run(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
    });
    let url = with_database(&server, &name);
    assert_migrates(&[("DATABASE_URL", &url)]);
    tokio_run(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        sqlx::query(&drop).execute(&mut admin).await.ok();
    });
}

#[test]
fn bad_settings_fail_at_start_up_naming_the_setting() {
    let cases = [
        ("mysql://localhost/db", 2, "DATABASE_URL is invalid"),
        (
            "postgres://gridprice@127.0.0.1:1/none",
            1,
            "DATABASE_URL: cannot connect to PostgreSQL",
        ),
    ];
    for (url, status, message) in cases {
        let output = gridprice(&["migrate"], &[("DATABASE_URL", url)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(status), "{url}: {stderr}");
        assert!(stderr.contains(message), "{url}: {stderr}");
    }
    let output = gridprice(&["serve"], &[("GRIDPRICE_BIND", "everywhere")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("GRIDPRICE_BIND is invalid"), "{stderr}");
}

fn tokio_run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

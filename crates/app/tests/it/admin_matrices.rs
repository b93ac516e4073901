//! The admin API's matrices over real HTTP: CRUD, optimistic concurrency, every class of bad
//! input (with the database left unchanged), CSV preview, import and export.

use reqwest::Method;
use serde_json::{json, Value};

use crate::admin_support::{small_matrix, Admin};

const BAD_ROWS: &[u8] = include_bytes!("../../../../fixtures/bad-rows.csv");

/// Every matrix's (name, version), to prove a refused request changed nothing.
async fn matrices_state(admin: &Admin<'_>) -> Vec<(Value, Value)> {
    let list = admin.get("/app/api/matrices").await;
    list.body["matrices"]
        .as_array()
        .expect("matrices")
        .iter()
        .map(|m| (m["name"].clone(), m["version"].clone()))
        .collect()
}

stack_test!(
    admin_matrix_lifecycle_create_get_rename_duplicate_replace_delete,
    |stack| {
        let admin = Admin::demo(stack).await;
        let list = admin.get("/app/api/matrices").await;
        assert_eq!(list.status, 200);
        let demo = &list.body["matrices"][0];
        assert_eq!(demo["name"], "Demo glass");
        assert_eq!(demo["assignedProducts"], 1);

        let created = admin
            .post("/app/api/matrices", small_matrix("Blinds"))
            .await;
        assert_eq!(created.status, 201, "{created:?}");
        let id = created.body["id"].as_i64().unwrap();
        assert_eq!(created.body["version"], 1);
        assert_eq!(created.body["widths"], json!(["10", "20.5"]));
        assert_eq!(created.body["cells"], json!([["1.00", "2.50"]]));
        assert_eq!(created.body["unit"], "cm");
        assert_eq!(created.body["outOfRange"], "clamp");

        let fetched = admin.get(&format!("/app/api/matrices/{id}")).await;
        assert_eq!(fetched.status, 200);
        assert_eq!(fetched.body, created.body);

        let renamed = admin
            .patch(
                &format!("/app/api/matrices/{id}"),
                json!({"name": "Roller blinds"}),
            )
            .await;
        assert_eq!(renamed.status, 200, "{renamed:?}");
        assert_eq!(renamed.body["version"], 2);

        let copy = admin
            .post(&format!("/app/api/matrices/{id}/duplicate"), json!({}))
            .await;
        assert_eq!(copy.status, 201, "{copy:?}");
        assert_eq!(copy.body["name"], "Copy of Roller blinds");
        assert_eq!(copy.body["cells"], created.body["cells"]);
        let second = admin
            .post(&format!("/app/api/matrices/{id}/duplicate"), json!({}))
            .await;
        assert_eq!(second.body["name"], "Copy of Roller blinds (2)");

        let replacement = json!({
            "version": 2,
            "widths": ["10", "20", "30"],
            "heights": ["5", "6"],
            "cells": [["1", "2", "3"], ["4", "5", "6.05"]],
        });
        let replaced = admin
            .put(&format!("/app/api/matrices/{id}"), replacement.clone())
            .await;
        assert_eq!(replaced.status, 200, "{replaced:?}");
        assert_eq!(replaced.body["version"], 3);
        assert_eq!(
            replaced.body["unit"], "cm",
            "the unit is kept when left out"
        );
        assert_eq!(replaced.body["outOfRange"], "clamp");
        assert_eq!(replaced.body["cells"][1][2], "6.05");

        // The same edit from a client still at version 2 is stale.
        let stale = admin
            .put(&format!("/app/api/matrices/{id}"), replacement)
            .await;
        assert_eq!(stale.status, 409, "{stale:?}");
        assert_eq!(stale.content_type, "application/problem+json");
        assert!(stale.body["detail"].as_str().unwrap().contains("version 3"));
        let after = admin.get(&format!("/app/api/matrices/{id}")).await;
        assert_eq!(after.body["version"], 3);

        let deleted = admin.delete(&format!("/app/api/matrices/{id}")).await;
        assert_eq!(deleted.status, 204);
        assert_eq!(
            admin.get(&format!("/app/api/matrices/{id}")).await.status,
            404
        );
        assert_eq!(
            admin
                .delete(&format!("/app/api/matrices/{id}"))
                .await
                .status,
            404
        );

        let actions = admin.audit_actions().await;
        assert_eq!(
            actions,
            [
                "matrix.delete",
                "matrix.replace",
                "matrix.duplicate",
                "matrix.duplicate",
                "matrix.rename",
                "matrix.create"
            ]
        );
        let log = admin.get("/app/api/audit-log?limit=2").await;
        let entry = &log.body["entries"][1];
        assert_eq!(entry["entity"], "matrix");
        assert_eq!(entry["entityId"], id.to_string());
        assert_eq!(entry["before"]["version"], 2);
        assert_eq!(entry["after"]["version"], 3);
        assert!(entry["actor"]
            .as_str()
            .is_some_and(|actor| !actor.is_empty()));
        let next = log.body["nextBefore"]
            .as_i64()
            .expect("a full page has a cursor");
        let older = admin
            .get(&format!("/app/api/audit-log?before={next}&limit=100"))
            .await;
        let older: Vec<&Value> = older.body["entries"].as_array().unwrap().iter().collect();
        let (seed, staff): (Vec<&Value>, Vec<&Value>) =
            older.into_iter().partition(|e| e["actor"] == "gridprice");
        assert_eq!(staff.len(), 4);
        assert!(
            seed.iter().any(|e| e["action"] == "matrix.import"),
            "the demo seed is logged as Gridprice's own change"
        );
    }
);

stack_test!(
    admin_bad_matrix_input_is_refused_with_field_errors_and_nothing_saved,
    |stack| {
        let admin = Admin::demo(stack).await;
        let before = matrices_state(&admin).await;
        let with = |field: &str, value: Value| {
            let mut body = small_matrix("Bad");
            body[field] = value;
            body
        };
        let cases = [
            (with("widths", json!(["10", "abc"])), "widths[1]"),
            (with("widths", json!(["20", "10"])), "widths[1]"),
            (with("widths", json!(["10", "0"])), "widths[1]"),
            (with("widths", json!(["10", "1.00001"])), "widths[1]"),
            (with("widths", json!([])), "widths"),
            (
                with(
                    "widths",
                    json!((1..=101).map(|i| i.to_string()).collect::<Vec<_>>()),
                ),
                "widths",
            ),
            (with("cells", json!([["1.00", "2.505"]])), "cells[0][1]"),
            (with("cells", json!([["1.00", "-2"]])), "cells"),
            (with("cells", json!([["1.00", null]])), "cells"),
            (with("cells", json!([["1.00"]])), "cells"),
            (with("cells", json!([["1.00", "2"], ["3", "4"]])), "cells"),
            (with("name", json!("  ")), "name"),
            (with("name", json!("x".repeat(101))), "name"),
            (with("unit", json!("furlong")), "unit"),
            (with("outOfRange", json!("wrap")), "outOfRange"),
        ];
        for (body, field) in cases {
            let reply = admin.post("/app/api/matrices", body).await;
            reply.assert_problem(422, field);
        }

        // Not JSON, the wrong shape, unknown fields: malformed requests.
        let syntax = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices",
                "application/json",
                b"{".to_vec(),
            )
            .await;
        syntax.assert_problem(400, "body");
        let mut missing = small_matrix("Bad");
        missing.as_object_mut().unwrap().remove("cells");
        admin
            .post("/app/api/matrices", missing)
            .await
            .assert_problem(400, "body");
        admin
            .post("/app/api/matrices", with("colour", json!("red")))
            .await
            .assert_problem(400, "body");
        let huge = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices",
                "application/json",
                vec![b' '; 300 * 1024],
            )
            .await;
        assert_eq!(huge.status, 413, "{huge:?}");
        assert_eq!(huge.content_type, "application/problem+json");
        let bad_id = admin.get("/app/api/matrices/abc").await;
        bad_id.assert_problem(400, "path");

        let taken = admin
            .post("/app/api/matrices", small_matrix("Demo glass"))
            .await;
        assert_eq!(taken.status, 409, "{taken:?}");
        let demo = admin.matrix_id("Demo glass").await;
        let rename = admin
            .patch(&format!("/app/api/matrices/{demo}"), json!({"name": ""}))
            .await;
        rename.assert_problem(422, "name");
        let replace = admin
            .put(
                &format!("/app/api/matrices/{demo}"),
                json!({"version": 1, "widths": ["1"], "heights": ["1"], "cells": [["x"]]}),
            )
            .await;
        replace.assert_problem(422, "cells[0][0]");

        assert_eq!(matrices_state(&admin).await, before);
        assert!(admin.audit_actions().await.is_empty());
    }
);

stack_test!(
    admin_csv_preview_reports_every_bad_line_and_saves_nothing,
    |stack| {
        let admin = Admin::demo(stack).await;
        let before = matrices_state(&admin).await;
        let preview = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?preview=true&unit=mm",
                "text/csv",
                BAD_ROWS.to_vec(),
            )
            .await;
        assert_eq!(preview.status, 200, "{preview:?}");
        assert_eq!(preview.body["valid"], false);
        let lines: Vec<i64> = preview.body["lineErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_i64().unwrap())
            .collect();
        let mut distinct = lines.clone();
        distinct.dedup();
        assert_eq!(distinct, [3, 4, 5, 6, 7], "{preview:?}");
        assert!(preview.body["lineErrors"][0]["message"].as_str().is_some());
        assert_eq!(preview.body["rows"].as_array().unwrap().len(), 2);
        assert_eq!(preview.body["widths"], json!(["100"]));
        assert_eq!(preview.body["heights"], json!(["200", "300"]));

        // A missing cell is reported with its sizes.
        let gappy = b"width,height,price\n1,1,1\n2,2,2\n".to_vec();
        let preview = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?preview=true",
                "text/csv",
                gappy,
            )
            .await;
        let problems = preview.body["matrixProblems"].as_array().unwrap();
        assert_eq!(problems.len(), 2, "{preview:?}");
        assert_eq!(problems[0]["problem"], "missing_cell");
        assert!(problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("no price"));

        let import = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?name=Bad",
                "text/csv",
                BAD_ROWS.to_vec(),
            )
            .await;
        import.assert_problem(422, "line 3.width");
        assert!(import.errors().contains_key("line 7"), "{import:?}");
        let nameless = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import",
                "text/csv",
                b"1,1,1".to_vec(),
            )
            .await;
        nameless.assert_problem(400, "name");
        let too_large = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?name=Huge",
                "text/csv",
                "1,1,1\n".repeat(200_000).into_bytes(),
            )
            .await;
        assert_eq!(too_large.status, 413, "{too_large:?}");

        assert_eq!(matrices_state(&admin).await, before);
        assert!(admin.audit_actions().await.is_empty());
    }
);

stack_test!(
    admin_exported_csv_imports_back_to_the_same_matrix,
    |stack| {
        let admin = Admin::demo(stack).await;
        let demo = admin.matrix_id("Demo glass").await;
        let response = stack
            .http
            .get(stack.app(&format!("/app/api/matrices/{demo}/export.csv")))
            .bearer_auth(stack.admin_token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8"
        );
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("Demo_glass.csv"));
        let csv = response.bytes().await.unwrap().to_vec();
        assert!(csv.starts_with(b"width,height,price\n"));

        let imported = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?name=Round%20trip&unit=mm&outOfRange=reject",
                "text/csv",
                csv,
            )
            .await;
        assert_eq!(imported.status, 201, "{imported:?}");
        let original = admin.get(&format!("/app/api/matrices/{demo}")).await;
        for field in ["widths", "heights", "cells", "unit", "outOfRange"] {
            assert_eq!(imported.body[field], original.body[field], "{field}");
        }
        assert_eq!(original.body["cells"][1][1], "30.00");
        assert_eq!(admin.audit_actions().await, ["matrix.import"]);
    }
);

stack_test!(
    admin_a_100_by_100_csv_near_the_size_limit_imports_whole,
    |stack| {
        let admin = Admin::demo(stack).await;
        let mut csv = String::from("width,height,price\n");
        for h in 1..=100 {
            for w in 1..=100 {
                csv.push_str(&format!(
                    "{w}0.0001,{h}0.0001,{}.99\n",
                    100_000 + h * 100 + w
                ));
            }
        }
        // Blank lines are skipped: they take the file past the JSON limit, still under 1 MiB.
        csv.push_str(&"\n".repeat(1024 * 1024 - 4096 - csv.len()));
        assert!(csv.len() > 512 * 1024 && csv.len() < 1024 * 1024);
        let imported = admin
            .send_raw(
                Method::POST,
                "/app/api/matrices/import?name=Big",
                "text/csv",
                csv.into_bytes(),
            )
            .await;
        assert_eq!(imported.status, 201, "{imported:?}");
        let grid = admin
            .get(&format!("/app/api/matrices/{}", imported.body["id"]))
            .await
            .body;
        assert_eq!(grid["widths"].as_array().unwrap().len(), 100);
        assert_eq!(grid["widths"][99], "1000.0001");
        assert_eq!(grid["cells"][99][99], "110100.99");

        // The same full grid fits the JSON limit too.
        let copy = json!({
            "name": "Big JSON",
            "widths": grid["widths"],
            "heights": grid["heights"],
            "cells": grid["cells"],
        });
        let created = admin.post("/app/api/matrices", copy).await;
        assert_eq!(created.status, 201, "{:?}", created.status);
        assert_eq!(created.body["cells"], grid["cells"]);
    }
);

stack_test!(
    admin_concurrent_replaces_of_one_version_let_exactly_one_win,
    |stack| {
        let admin = Admin::demo(stack).await;
        let demo = admin.matrix_id("Demo glass").await;
        let path = format!("/app/api/matrices/{demo}");
        let edits = (0..6).map(|n| {
            let body = json!({
                "version": 1,
                "widths": ["300"],
                "heights": ["200"],
                "cells": [[format!("{n}.00")]],
            });
            admin.put(&path, body)
        });
        let replies = futures::future::join_all(edits).await;
        let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            5,
            "{statuses:?}"
        );
        let winner = replies.iter().find(|r| r.status == 200).unwrap();
        let stored = admin.get(&path).await.body;
        assert_eq!(stored["version"], 2);
        assert_eq!(stored["cells"], winner.body["cells"]);
        assert_eq!(admin.audit_actions().await, ["matrix.replace"]);
    }
);

stack_test!(the_editor_prices_a_size_on_the_grid_being_edited, |stack| {
    let admin = Admin::demo(stack).await;
    let grid = json!({
        "unit": "mm",
        "widths": ["300", "600"],
        "heights": ["200", "400"],
        "cells": [["10.00", "12.00"], ["11.00", "13.00"]],
    });
    let with = |size: Value| {
        let mut body = grid.clone();
        for (key, value) in size.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    // 45 × 25 cm falls on the 600 × 400 mm cell of the unsaved grid.
    let hit = admin
        .post(
            "/app/api/matrices/quote",
            with(json!({ "width": "45", "height": "25", "sizeUnit": "cm" })),
        )
        .await;
    assert_eq!(hit.status, 200, "{hit:?}");
    assert_eq!(
        hit.body,
        json!({ "price": "13.00", "row": 1, "column": 1, "width": "600", "height": "400" })
    );
    // Out of range under `reject`: the server's message, which names the range.
    let outside = admin
        .post(
            "/app/api/matrices/quote",
            with(json!({ "width": "700", "height": "200" })),
        )
        .await;
    assert_eq!(outside.status, 400, "{outside:?}");
    assert!(outside.body["detail"].as_str().unwrap().contains("600"));
    // A grid that is not a matrix yet: each problem at its field.
    let mut broken = with(json!({ "width": "300", "height": "200" }));
    broken["cells"][1][1] = json!("abc");
    admin
        .post("/app/api/matrices/quote", broken)
        .await
        .assert_problem(422, "cells[1][1]");
    let no_session = stack
        .http
        .post(stack.app("/app/api/matrices/quote"))
        .json(&with(json!({ "width": "300", "height": "200" })))
        .send()
        .await
        .unwrap();
    assert_eq!(no_session.status(), 401);
});

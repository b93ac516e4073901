//! `GET /api/v1/products/{id}/price` and `/options` over real HTTP: the demo matrix of DESIGN §3
//! priced for every kind of size, unit and option combination, with exact totals.

use std::num::NonZeroU32;

use gridprice_storage::audit::Action;
use gridprice_storage::matrices;
use gridprice_storage::testing::write;
use pricing::OutOfRangePolicy;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::storefront_support::*;
use crate::support::demo_matrix;

/// (query sizes, width and height in micrometres for the reference).
const SIZES: &[(&str, i64, i64)] = &[
    ("width=600&height=400", 600_000, 400_000), // exact breakpoints
    ("width=300&height=200", 300_000, 200_000), // the first cell
    ("width=900&height=600", 900_000, 600_000), // the last cell
    ("width=450.5&height=201", 450_500, 201_000), // between: rounds up on both axes
    ("width=600.0001&height=400", 600_000 + 1, 400_000), // a hair above rounds up (0.1 µm)
    ("width=10&height=5", 10_000, 5_000),       // below the range: the first cell
];

stack_test!(storefront_prices_the_demo_matrix, |stack| {
    for (query, width, height) in SIZES {
        let answer = get(stack, &price_path(query)).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
        let cents = demo_base_cents(*width, *height).expect("in range");
        // Clear glass and the standard edge are the defaults and add nothing.
        assert_eq!(answer.json["unitPriceMinor"], cents, "{query}");
        assert_eq!(answer.json["totalMinor"], cents, "{query}");
        assert_eq!(answer.json["money"]["unitPrice"], dollars(cents), "{query}");
        assert_eq!(answer.json["quantity"], 1);
        assert_eq!(answer.json["currency"], "USD");
    }

    // The wire shape of DESIGN §5, money written from its digits.
    let answer = get(stack, &price_path("width=600&height=400&quantity=2")).await;
    assert!(answer.text.contains(r#""price":30.00"#), "{}", answer.text);
    assert!(answer.text.contains(r#""total":60.00"#), "{}", answer.text);
    let json = &answer.json;
    assert_eq!(
        json["dimensions"],
        serde_json::json!({"width": 600, "height": 400, "unit": "mm"})
    );
    // QuoteFlow's `matrix` is the matrix's name, a string; the details are an added field.
    assert_eq!(json["matrix"], "Demo glass");
    assert_eq!(json["matrixDetails"]["name"], "Demo glass");
    assert_eq!(json["matrixDetails"]["unit"], "mm");
    assert_eq!(json["matrixDetails"]["widthBreakpoint"], 600);
    assert_eq!(json["matrixDetails"]["heightBreakpoint"], 400);
    assert_eq!(json["basePriceMinor"], 3000);
    assert_eq!(
        json["dimensionRange"],
        serde_json::json!({"minWidth": 300, "maxWidth": 900, "minHeight": 200, "maxHeight": 600, "unit": "mm"})
    );
    assert_eq!(json["basePrice"], 30.0);
    let modifiers: Vec<&str> = json["optionModifiers"]
        .as_array()
        .expect("modifiers")
        .iter()
        .map(|m| m["choice"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        modifiers,
        ["Clear", "Standard"],
        "defaults, in display order"
    );
    assert_eq!(
        json["money"],
        serde_json::json!({"unitPrice": "30.00", "total": "60.00", "currencyCode": "USD"})
    );

    // The product id as a GID, URL-encoded, prices the same.
    let gid = encode("gid://shopify/Product/8000000000001");
    let by_gid = get(
        stack,
        &format!("/api/v1/products/{gid}/price?width=600&height=400"),
    )
    .await;
    assert_eq!(by_gid.status, StatusCode::OK, "{}", by_gid.text);
    assert_eq!(by_gid.json["unitPriceMinor"], 3000);

    // Out of range under `reject` (the demo matrix's policy): 400 stating the range.
    for (query, field) in [
        ("width=901&height=400", "width"),
        ("width=600&height=600.0001", "height"),
    ] {
        let answer = get(stack, &price_path(query)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        let detail = answer.json["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("allowed range"), "{detail}");
        assert_eq!(answer.error_fields(), [field]);
    }
    let answer = get(stack, &price_path("width=1000&height=700")).await;
    let detail = answer.json["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("allowed range: 300 mm to 900 mm"),
        "{detail}"
    );
    assert!(
        detail.contains("allowed range: 200 mm to 600 mm"),
        "{detail}"
    );
});

stack_test!(storefront_converts_other_units_exactly, |stack| {
    // (query, micrometres): 1 in = 25.4 mm, 1 ft = 304.8 mm, exactly.
    let cases: &[(&str, i64, i64)] = &[
        ("width=60&height=40&unit=cm", 600_000, 400_000),
        ("width=0.6&height=0.4&unit=m", 600_000, 400_000),
        ("width=11.811&height=7.874&unit=in", 299_999, 199_999), // just under 300 × 200 mm
        ("width=11.8111&height=7.8741&unit=in", 300_001, 200_002), // just over: next cells
        ("width=23.6220&height=15.75&unit=in", 599_998, 400_050),
        ("width=1.9685&height=1.3123&unit=ft", 599_998, 399_989),
        ("width=2.9528&height=1.9686&unit=ft", 900_013, 600_029),
        ("width=0.98&height=0.65&unit=ft", 298_704, 198_120),
    ];
    for (query, width, height) in cases {
        let answer = get(stack, &price_path(query)).await;
        match demo_base_cents(*width, *height) {
            Some(cents) => {
                assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
                assert_eq!(answer.json["unitPriceMinor"], cents, "{query}");
                let unit = query.rsplit('=').next().unwrap_or_default();
                assert_eq!(
                    answer.json["dimensions"]["unit"], unit,
                    "the request's unit"
                );
                assert_eq!(
                    answer.json["matrixDetails"]["unit"], "mm",
                    "the matrix's unit"
                );
            }
            None => {
                assert_eq!(
                    answer.status,
                    StatusCode::BAD_REQUEST,
                    "{query}: {}",
                    answer.text
                );
                let detail = answer.json["detail"].as_str().unwrap_or_default();
                assert!(detail.contains("allowed range"), "{detail}");
            }
        }
    }
});

stack_test!(storefront_prices_every_option_combination, |stack| {
    let ((glass, glass_choices), (edge, edge_choices)) = demo_option_ids(stack).await;
    // 72 requests in a blink: served again without the per-IP limit a widget needs.
    let limits = gridprice::config::RateLimits {
        per_ip: gridprice::config::Rate::new(NonZeroU32::MAX, NonZeroU32::MAX),
        ..stack.state().rate_limits.clone()
    };
    let (base_url, stop) = serve(stack.state().clone().with_rate_limits(limits)).await;
    // Glass: Clear +0, Tempered +15.00, Laminated +20% of the base (rounded up);
    // edge: Standard +0, Polished +5.00 — DESIGN §3, computed here by hand.
    let glass_amount = |index: usize, base: i64| match index {
        0 => 0,
        1 => 1500,
        _ => (base * 2000 + 9999) / 10000,
    };
    let edge_amount = |index: usize| if index == 0 { 0 } else { 500 };
    let sizes: &[(&str, i64, i64)] = &[
        ("width=600&height=400", 600_000, 400_000),
        ("width=250&height=550", 250_000, 550_000),
        ("width=899.9999&height=200", 899_999, 200_000),
    ];
    for (size, width, height) in sizes {
        let base = demo_base_cents(*width, *height).expect("in range");
        for (g, glass_choice) in glass_choices.iter().enumerate() {
            for (e, edge_choice) in edge_choices.iter().enumerate() {
                let unit_price = base + glass_amount(g, base) + edge_amount(e);
                for quantity in [1_i64, 3, 7, 10_000] {
                    // Selections in either order: the breakdown follows the display order.
                    let selections = [(edge, *edge_choice), (glass, *glass_choice)];
                    let query =
                        format!("{size}&quantity={quantity}&{}", options_param(&selections));
                    let url = format!("{base_url}{}", price_path(&query));
                    let key = Some(stack.storefront_key());
                    let answer = call(&stack.http, Method::GET, &url, key, None).await;
                    assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
                    let json = &answer.json;
                    assert_eq!(json["unitPriceMinor"], unit_price, "{query}");
                    assert_eq!(json["totalMinor"], unit_price * quantity, "{query}");
                    assert_eq!(
                        json["money"]["total"],
                        dollars(unit_price * quantity),
                        "{query}"
                    );
                    let applied: Vec<i64> = json["optionModifiers"]
                        .as_array()
                        .expect("modifiers")
                        .iter()
                        .map(|m| applied_cents(&m["appliedAmount"]))
                        .collect();
                    assert_eq!(applied, [glass_amount(g, base), edge_amount(e)], "{query}");
                    let applied_minor: Vec<i64> = json["optionModifiers"]
                        .as_array()
                        .expect("modifiers")
                        .iter()
                        .map(|m| m["appliedAmountMinor"].as_i64().expect("minor units"))
                        .collect();
                    assert_eq!(applied_minor, applied, "{query}: exact minor units");
                    assert_eq!(json["basePriceMinor"], base, "{query}");
                }
            }
        }
    }

    stop.cancel();

    // Ids as numeric strings; the optional group left to its default.
    let json = format!(
        r#"{{"selections":[{{"optionGroupId":"{glass}","choiceId":"{}"}}]}}"#,
        glass_choices[2]
    );
    let query = format!("width=600&height=400&options={}", encode(&json));
    let answer = get(stack, &price_path(&query)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json["unitPriceMinor"], 3600);
    let breakdown = &answer.json["optionModifiers"];
    assert_eq!(breakdown[0]["optionGroup"], "Glass type");
    assert_eq!(breakdown[0]["choice"], "Laminated");
    assert_eq!(breakdown[0]["modifierType"], "PERCENTAGE");
    assert_eq!(breakdown[0]["modifierValue"], 20);
    assert_eq!(breakdown[1]["choice"], "Standard");

    // The options endpoint: display order, modifiers in major units / percent, defaults.
    let options = get(stack, &format!("/api/v1/products/{DEMO_PRODUCT}/options")).await;
    let groups = &options.json["optionGroups"];
    assert_eq!(groups[0]["requirement"], "REQUIRED");
    assert_eq!(groups[1]["requirement"], "OPTIONAL");
    let tempered = &groups[0]["choices"][1];
    assert_eq!(tempered["label"], "Tempered");
    assert_eq!(tempered["modifierType"], "FIXED");
    assert!(
        options.text.contains(r#""modifierValue":15.00"#),
        "{}",
        options.text
    );
    assert_eq!(tempered["isDefault"], false);
    assert_eq!(groups[0]["choices"][0]["isDefault"], true);
});

stack_test!(storefront_clamps_when_the_matrix_says_so, |stack| {
    let store = demo_store(stack).await;
    let db = stack.db();
    let before = get(stack, &price_path("width=2000&height=5000")).await;
    assert_eq!(
        before.status,
        StatusCode::BAD_REQUEST,
        "reject is the demo policy"
    );

    let current = matrices::list(db, store.id).await.expect("list")[0].clone();
    let clamped = demo_matrix().with_policy(OutOfRangePolicy::Clamp);
    write(db, store.id, Action::MatrixReplace, async |w| {
        matrices::replace(w, current.id, current.version, &clamped).await
    })
    .await
    .expect("replace");

    for (query, cents) in [
        ("width=2000&height=5000", 5000), // both axes clamped to the last cell
        ("width=1000000&height=300", 3500), // the largest size allowed, clamped
        ("width=100&height=601", 4000),   // below on one axis, above on the other
        ("width=40&height=30&unit=in", 5000), // 1016 × 762 mm
    ] {
        let answer = get(stack, &price_path(query)).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
        assert_eq!(answer.json["unitPriceMinor"], cents, "{query}");
    }
});

/// "12.5" or 12.50 as cents.
fn applied_cents(value: &Value) -> i64 {
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let fraction = format!("{fraction:0<2}");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    whole.parse::<i64>().expect("whole") * 100 + sign * fraction[..2].parse::<i64>().expect("cents")
}

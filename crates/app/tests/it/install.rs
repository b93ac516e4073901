//! Issue 3 end to end: install, token exchange, session tokens, webhooks, re-authentication —
//! the app and the simulator over real sockets, on SQLite and PostgreSQL.

stack_test!(
    the_demo_shop_is_installed_through_oauth_and_answers_session_requests,
    |stack| {
        let response = stack
            .http
            .get(stack.app("/app/api/session"))
            .bearer_auth(stack.admin_token().await)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let session: serde_json::Value = response.json().await.unwrap();
        assert_eq!(session["shop"], "demo-shop.myshopify.com");
        assert_eq!(session["currency"], "USD");
        assert!(stack.storefront_key().starts_with("gp_pk_"));
    }
);

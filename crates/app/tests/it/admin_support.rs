//! A merchant's client for the admin API over real HTTP: a session token, JSON in and out.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::TestStack;

pub struct Admin<'a> {
    pub stack: &'a TestStack,
    token: String,
}

/// A response: status, content type and body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl Reply {
    /// The field errors of a problem response, by field.
    pub fn errors(&self) -> &serde_json::Map<String, Value> {
        self.body["errors"]
            .as_object()
            .unwrap_or_else(|| panic!("no field errors in {self:?}"))
    }

    /// Asserts a problem+json answer with `status` naming `field`.
    pub fn assert_problem(&self, status: u16, field: &str) {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        assert_eq!(self.content_type, "application/problem+json", "{self:?}");
        assert!(
            self.errors().contains_key(field),
            "no error for {field}: {self:?}"
        );
    }
}

impl<'a> Admin<'a> {
    /// The demo shop's staff user.
    pub async fn demo(stack: &'a TestStack) -> Admin<'a> {
        Admin {
            token: stack.admin_token().await,
            stack,
        }
    }

    /// A staff user of another installed shop.
    pub async fn of_shop(stack: &'a TestStack, shop: &str) -> Admin<'a> {
        Admin {
            token: stack
                .stack
                .session_token(shop)
                .await
                .expect("session token"),
            stack,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .stack
            .http
            .request(method, self.stack.app(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        reply(request.send().await.expect("request")).await
    }

    /// A raw body with its content type (CSV uploads, malformed JSON).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let response = self
            .stack
            .http
            .request(method, self.stack.app(path))
            .bearer_auth(&self.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        reply(response).await
    }

    /// The id of the matrix named `name`.
    pub async fn matrix_id(&self, name: &str) -> i64 {
        let list = self.get("/app/api/matrices").await;
        list.body["matrices"]
            .as_array()
            .expect("matrices")
            .iter()
            .find(|m| m["name"] == name)
            .and_then(|m| m["id"].as_i64())
            .unwrap_or_else(|| panic!("no matrix {name}: {list:?}"))
    }

    /// The audit log's actions, newest first.
    /// What the merchant's staff did, newest first: the entries Gridprice itself wrote (the
    /// first key at install, the demo seed) left out.
    pub async fn audit_actions(&self) -> Vec<String> {
        let log = self.get("/app/api/audit-log?limit=100").await;
        assert_eq!(log.status, 200, "{log:?}");
        log.body["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["actor"] != "gridprice")
            .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        content_type,
        body,
    }
}

/// A small valid matrix body named `name`.
pub fn small_matrix(name: &str) -> Value {
    serde_json::json!({
        "name": name,
        "unit": "cm",
        "outOfRange": "clamp",
        "widths": ["10", "20.5"],
        "heights": ["5"],
        "cells": [["1.00", "2.50"]],
    })
}

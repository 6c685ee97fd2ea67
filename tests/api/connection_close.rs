//! Issue 24, item 10: an answer given before the request's body was read to its end (a 413, a
//! POST refused before its body is read) says `Connection: close`, so that a client's next
//! request goes on a new connection instead of failing on one the server closes.

use std::time::Duration;

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

/// Sends the head of a form POST declaring `declared` bytes and 64 KiB of it; the answer's
/// status line and headers.
async fn answer_head(app: &TestApp, path: &str, cookie: &str, declared: usize) -> String {
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {declared}\r\n{cookie}\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(&vec![b'a'; 64 * 1024]).await;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[tokio::test]
async fn a_413_says_connection_close() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    b.get("/inloggen").await;
    let cookie = format!("Cookie: vr_csrf={}\r\n", b.csrf);
    let head = answer_head(&app, "/inloggen", &cookie, 25 * 1024 * 1024).await;
    assert!(head.starts_with("http/1.1 413"), "{head}");
    assert!(head.contains("\r\nconnection: close"), "{head}");

    // Refused before its body is read (no cookie of this site): the same.
    let head = answer_head(&app, "/inloggen", "", 25 * 1024 * 1024).await;
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(head.contains("\r\nconnection: close"), "{head}");
}

#[tokio::test]
async fn after_a_form_too_large_the_next_request_of_the_same_client_succeeds() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    beheer.get("/almelo/beheer/gebieden/nieuw").await;
    let long = "x".repeat(100 * 1024);
    let token = beheer.csrf.clone();
    for round in 0..20 {
        let response = beheer
            .client
            .post(app.url("/almelo/beheer/gebieden"))
            .form(&[
                ("code", "WK014199"),
                ("naam", long.as_str()),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()["connection"], "close", "round {round}");
        let _ = response.text().await;
        // The same client, right after: it must not find a dead connection.
        let next = beheer
            .client
            .get(app.url("/almelo/beheer/gebieden"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("round {round}, the next request: {e}"));
        assert_eq!(next.status(), StatusCode::OK, "round {round}");
    }

    // A form read whole keeps its connection.
    let response = beheer
        .client
        .post(app.url("/almelo/beheer/gebieden"))
        .form(&[("code", ""), ("naam", ""), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.headers().get("connection").is_none());
}

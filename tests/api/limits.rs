//! Limits that keep an anonymous crowd from exhausting the server: a POST without any cookie
//! of this site is refused before its body is read, forms are read only up to a small limit,
//! uploads reach their handlers only for signed-in users (with the right role), and a request
//! that takes too long is dropped with a page.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use voorzieningen::config::Settings;

use crate::helpers::TestApp;

/// Sends the head of a POST declaring `declared` bytes, then `send` bytes of body, and reads
/// whatever the server answers meanwhile (the client never finishes).
async fn partial_post(
    app: &TestApp,
    path: &str,
    extra_headers: &str,
    declared: usize,
    send: usize,
) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {declared}\r\n{extra_headers}\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < send {
        let n = chunk.len().min(send - sent);
        // The server may close the connection once it has answered.
        if stream.write_all(&chunk[..n]).await.is_err() {
            break;
        }
        sent += n;
    }
    let mut answer = vec![0u8; 16 * 1024];
    let mut read = 0;
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer[read..])).await
        {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                read += n;
                if String::from_utf8_lossy(&answer[..read]).contains("</html>") {
                    break;
                }
            }
        }
    }
    (
        String::from_utf8_lossy(&answer[..read]).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn an_anonymous_post_without_a_cookie_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    for path in [
        "/inloggen",
        "/niet-bestaand",
        "/almelo/beheer/gebieden/import",
    ] {
        // 25 MB declared, 1 MB sent: the answer comes while the client is still sending.
        let (answer, _) = partial_post(&app, path, "", 25 * 1024 * 1024, 1024 * 1024).await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{path}: {answer}");
        assert!(answer.contains("Geen toegang"), "{path}: a Dutch page");
    }
    // A 5 MB body sent whole by an ordinary client gets the same.
    let client = reqwest::Client::new();
    let response = client
        .post(app.url("/inloggen"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 5 * 1024 * 1024])
        .send()
        .await;
    if let Ok(response) = response {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_anonymous_form_beyond_64_kib_is_refused_at_its_declared_length() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    b.get("/inloggen").await;
    let cookie = format!("Cookie: vr_csrf={}\r\n", b.csrf);
    let (answer, _) = partial_post(&app, "/inloggen", &cookie, 25 * 1024 * 1024, 256 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("Bestand of formulier te groot"));
    // Undeclared (chunked) and too long: read up to the limit, then refused.
    let big = format!(
        "email=a&password={}&csrf_token={}",
        "b".repeat(70 * 1024),
        b.csrf
    );
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "POST /inloggen HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\n{cookie}Connection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
        app.addr,
        big.len()
    );
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    // An ordinary login still works.
    let login = b
        .login("beheer@almelo.demo", crate::helpers::DEMO_PASSWORD)
        .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signed_in_forms_have_a_small_limit_and_uploads_their_own() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let long = "x".repeat(100 * 1024);
    beheer.get("/almelo/beheer/gebieden/nieuw").await;
    let page = beheer
        .post(
            "/almelo/beheer/gebieden",
            &[("code", "WK014199"), ("naam", long.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("Bestand of formulier te groot"));

    // A 3 MB area file is read by its handler (5 MB limit), which finds it is no area list.
    beheer.get("/almelo/beheer/gebieden/import").await;
    let mut file = b"code;naam\n".to_vec();
    file.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    let page = beheer
        .upload("/almelo/beheer/gebieden/import", file.clone())
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    // Over its limit: the handler's own message.
    file.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    let page = beheer.upload("/almelo/beheer/gebieden/import", file).await;
    assert!(page.status.is_client_error());
    assert!(page.body.contains("te groot"), "{}", page.body);

    // Someone signed in without the role is turned away before the file is read.
    let mut wijkteam = app.login("wijkteam@almelo.demo").await;
    wijkteam.get("/almelo/").await;
    let refused = wijkteam
        .upload(
            "/almelo/beheer/gebieden/import",
            vec![b'x'; 4 * 1024 * 1024],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A wrong token in an upload is refused too.
    beheer.csrf = "fout".into();
    let refused = beheer
        .upload("/almelo/beheer/gebieden/import", b"code;naam\n".to_vec())
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_dropped_with_a_page() {
    let app = TestApp::spawn_with(Settings {
        request_timeout: Duration::from_secs(1),
        ..Settings::default()
    })
    .await;
    let mut b = app.client();
    b.get("/inloggen").await;
    let cookie = format!("Cookie: vr_csrf={}\r\n", b.csrf);
    // A client that stops sending halfway.
    let (answer, took) = partial_post(&app, "/inloggen", &cookie, 1000, 10).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("Dit duurde te lang"));
    assert!(took < Duration::from_secs(5), "{took:?}");
}

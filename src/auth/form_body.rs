//! Reading no more of a request body than the CSRF check needs.
//!
//! A form (urlencoded) is read whole, up to a small limit: its token can be anywhere in it. A
//! multipart upload of a signed-in user is read only up to its `csrf_token` field (which
//! forms put first); the bytes read are replayed in front of the rest, which streams on to the
//! handler untouched, under the route's own limit. So no request body is held in memory
//! because of the CSRF check beyond [`PREFIX_LIMIT`] or the form limit.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::{header, HeaderMap};
use futures_util::stream::{self, Stream, StreamExt};

/// The form field that carries the CSRF token (checked by [`crate::auth::csrf`]).
pub const FIELD: &str = "csrf_token";

/// How much of a multipart body may come before its `csrf_token` field.
pub const PREFIX_LIMIT: usize = 64 * 1024;

/// The content type's essence, lower case.
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The declared length, when the client declared one.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The token of a multipart body, and the body to hand on (what was read, then the rest).
pub async fn multipart_token(headers: &HeaderMap, body: Body) -> (Option<String>, Body) {
    let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
    else {
        return (None, body);
    };
    let inner = Arc::new(Mutex::new(Some(body.into_data_stream())));
    let seen = Arc::new(Mutex::new(Vec::<Bytes>::new()));
    let token = {
        let prefix = Prefix {
            inner: inner.clone(),
            seen: seen.clone(),
            read: 0,
            handed_out: false,
        };
        let mut multipart = multer::Multipart::new(prefix, boundary);
        let mut token = None;
        while let Ok(Some(field)) = multipart.next_field().await {
            if field.name() == Some(FIELD) {
                token = field.text().await.ok();
                break;
            }
        }
        token
    };
    let seen: Vec<Bytes> = std::mem::take(&mut *seen.lock().expect("not poisoned"));
    let rest = inner.lock().expect("not poisoned").take();
    let replay = stream::iter(seen.into_iter().map(Ok::<Bytes, axum::Error>));
    let body = match rest {
        Some(rest) => Body::from_stream(replay.chain(rest)),
        None => Body::from_stream(replay),
    };
    (token, body)
}

/// The body's stream as multer reads it, keeping a copy of every chunk it hands out, and
/// ending after [`PREFIX_LIMIT`].
struct Prefix {
    inner: Arc<Mutex<Option<BodyDataStream>>>,
    seen: Arc<Mutex<Vec<Bytes>>>,
    read: usize,
    /// multer reads on for as long as data is ready: after each chunk it is told "not yet"
    /// (and woken at once), so that it looks at what it has before it asks for more.
    handed_out: bool,
}

impl Stream for Prefix {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Past the limit the body ends, as far as multer knows: a token already read whole
        // is found, one further on is not looked for.
        if self.read > PREFIX_LIMIT {
            return Poll::Ready(None);
        }
        if self.handed_out {
            self.handed_out = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let polled = {
            let mut guard = self.inner.lock().expect("not poisoned");
            match guard.as_mut() {
                Some(stream) => Pin::new(stream).poll_next(cx),
                None => Poll::Ready(None),
            }
        };
        match polled {
            Poll::Ready(Some(Ok(bytes))) => {
                self.read += bytes.len();
                self.handed_out = true;
                self.seen.lock().expect("not poisoned").push(bytes.clone());
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(std::io::Error::other(err)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[tokio::test]
    async fn the_token_is_read_and_the_whole_body_handed_on() {
        let file = "x".repeat(300_000);
        let raw = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"a.csv\"\r\n\r\n{file}\r\n--XyZ--\r\n"
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XyZ"),
        );
        // In small chunks, as a network delivers it.
        let chunks: Vec<Result<Bytes, std::io::Error>> = raw
            .as_bytes()
            .chunks(1000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let body = Body::from_stream(stream::iter(chunks));
        let (token, body) = multipart_token(&headers, body).await;
        assert_eq!(token.as_deref(), Some("abc"));
        let again = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        assert_eq!(again, raw.as_bytes());

        // A token after a big file is not looked for beyond the limit.
        let late = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"a.csv\"\r\n\r\n{file}\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ--\r\n"
        );
        let chunks: Vec<Result<Bytes, std::io::Error>> = late
            .as_bytes()
            .chunks(1000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let (token, _) = multipart_token(&headers, Body::from_stream(stream::iter(chunks))).await;
        assert_eq!(token, None);
    }
}

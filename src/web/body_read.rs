//! Whether a request's body was read to its end. A response given before that (a form refused
//! at its declared length, an upload refused halfway, a POST refused before its body is read)
//! leaves the rest of the body on the connection, which then cannot carry another request:
//! such a response says `Connection: close`, so that the client opens a new connection for
//! its next request instead of sending it on one the server is about to close.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use futures_util::Stream;

/// Set once the body it watches has been read to its end.
#[derive(Clone, Default)]
pub struct ReadToEnd(Arc<AtomicBool>);

impl ReadToEnd {
    pub fn done(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Whether the request declares a body at all (GET and the like do not).
pub fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|n| n > 0)
}

/// `body`, watched: the [`ReadToEnd`] is set when its last byte has been read.
pub fn watch(body: Body) -> (Body, ReadToEnd) {
    let seen = ReadToEnd::default();
    let watched = Watched {
        inner: body.into_data_stream(),
        seen: seen.clone(),
    };
    (Body::from_stream(watched), seen)
}

struct Watched {
    inner: axum::body::BodyDataStream,
    seen: ReadToEnd,
}

impl Stream for Watched {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(None) = next {
            self.seen.0.store(true, Ordering::Release);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_read_to_its_end_is_seen_as_read() {
        let (body, seen) = watch(Body::from("a=1&b=2"));
        assert!(!seen.done());
        let bytes = axum::body::to_bytes(body, 1024).await.unwrap();
        assert_eq!(&bytes[..], b"a=1&b=2");
        assert!(seen.done());
    }

    #[tokio::test]
    async fn a_body_cut_off_at_a_limit_is_not() {
        let (body, seen) = watch(Body::from(vec![b'a'; 4096]));
        assert!(axum::body::to_bytes(body, 100).await.is_err());
        assert!(!seen.done());
    }

    #[test]
    fn only_a_declared_body_is_watched() {
        let mut headers = HeaderMap::new();
        assert!(!has_body(&headers));
        headers.insert(header::CONTENT_LENGTH, "0".parse().unwrap());
        assert!(!has_body(&headers));
        headers.insert(header::CONTENT_LENGTH, "12".parse().unwrap());
        assert!(has_body(&headers));
        let mut chunked = HeaderMap::new();
        chunked.insert(header::TRANSFER_ENCODING, "chunked".parse().unwrap());
        assert!(has_body(&chunked));
    }
}

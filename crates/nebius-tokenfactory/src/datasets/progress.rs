//! The body of an upload as the connection reads it, and the progress it
//! reports.

use bytes::Bytes;
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// A piece of the body, or the error that ends the body.
pub(crate) type Chunk = Result<Piece, std::io::Error>;

/// A piece of the body as the writer sends it.
#[derive(Debug)]
pub(crate) struct Piece {
    /// Its bytes.
    pub bytes: Bytes,
    /// The rows written up to its end.
    pub rows: usize,
    /// Whether it ends the body. A body whose writer stops before its last
    /// piece ends with an error, never as if it were whole.
    pub last: bool,
}

/// How far an upload has got: what the connection has taken of the body.
///
/// Reported once per chunk of the body (a megabyte or so),
/// so an observer costs nothing worth measuring. A retry starts again
/// from zero, with the next `attempt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Progress {
    /// Rows handed to the connection so far.
    pub rows_sent: usize,
    /// Rows in the upload.
    pub rows_total: usize,
    /// Bytes of body handed to the connection so far.
    pub bytes_sent: u64,
    /// Which attempt this is, from 1.
    pub attempt: u32,
}

impl Progress {
    /// Whether every row has been handed to the connection.
    pub fn is_complete(&self) -> bool {
        self.rows_sent == self.rows_total
    }
}

/// What [`Upload::on_progress`](super::Upload::on_progress) calls.
pub(crate) type Observer = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The request body of one attempt: the chunks the writer sends, in order,
/// each reported to the observer as the connection takes it.
pub(crate) struct RowsBody {
    chunks: mpsc::Receiver<Chunk>,
    progress: Progress,
    observer: Option<Observer>,
    /// Whether the last piece has come.
    ended: bool,
}

impl RowsBody {
    pub(crate) fn new(
        chunks: mpsc::Receiver<Chunk>,
        rows_total: usize,
        attempt: u32,
        observer: Option<Observer>,
    ) -> Self {
        Self {
            chunks,
            progress: Progress {
                rows_total,
                attempt,
                ..Progress::default()
            },
            observer,
            ended: false,
        }
    }
}

impl fmt::Debug for RowsBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowsBody")
            .field("progress", &self.progress)
            .finish_non_exhaustive()
    }
}

impl Stream for RowsBody {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.chunks.poll_recv(cx) {
            Poll::Ready(Some(Ok(piece))) => {
                this.ended = piece.last;
                this.progress.rows_sent = piece.rows;
                this.progress.bytes_sent += piece.bytes.len() as u64;
                if let Some(observer) = &this.observer {
                    observer(&this.progress);
                }
                Poll::Ready(Some(Ok(piece.bytes)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) if this.ended => Poll::Ready(None),
            // The writer was dropped (the call ended, on an answer or an
            // error) before the end: the body is aborted, not ended short.
            Poll::Ready(None) => Poll::Ready(Some(Err(std::io::Error::other(
                "the upload's body stopped before its end",
            )))),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn next(body: &mut RowsBody) -> Option<Result<Bytes, std::io::Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await
    }

    fn piece(text: &'static str, last: bool) -> Chunk {
        Ok(Piece {
            bytes: Bytes::from_static(text.as_bytes()),
            rows: 1,
            last,
        })
    }

    #[tokio::test]
    async fn a_body_ends_after_its_last_piece_and_fails_if_the_writer_stops_first() {
        let (tx, rx) = mpsc::channel(4);
        let mut body = RowsBody::new(rx, 1, 1, None);
        tx.send(piece("{", false)).await.unwrap();
        tx.send(piece("}", true)).await.unwrap();
        drop(tx);
        assert_eq!(next(&mut body).await.unwrap().unwrap(), "{");
        assert_eq!(next(&mut body).await.unwrap().unwrap(), "}");
        assert!(next(&mut body).await.is_none());

        // The writer dropped part-way (the call ended on an early answer):
        // the body is aborted, never ended as if it were whole.
        let (tx, rx) = mpsc::channel(4);
        let mut body = RowsBody::new(rx, 2, 1, None);
        tx.send(piece("{", false)).await.unwrap();
        drop(tx);
        assert_eq!(next(&mut body).await.unwrap().unwrap(), "{");
        let err = next(&mut body).await.unwrap().unwrap_err();
        assert_eq!(err.to_string(), "the upload's body stopped before its end");
    }
}

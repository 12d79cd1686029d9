//! The tests' SMTP server: real SMTP on a loopback socket the test reserved
//! (`ReservedPort`), the protocol spoken by the `mailin` crate, every message
//! kept in memory in the order it arrived.
//!
//! The test binds the port first and keeps it, so nothing else can take it
//! between "pick a free port" and "listen". Until a server listens on it,
//! connections to the reserved port are refused, which the tests use as "the
//! SMTP server is down". The server runs on a thread of its own, so a busy
//! test runtime never slows its answers.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use mailin::{Action, Handler, Response, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::helpers::{ReservedPort, wait_for};
use crate::smtp::Mail;

/// How the server answers a recipient.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Accept,
    /// 550 to every RCPT: a server that refuses the mail.
    Refuse,
}

/// A running SMTP server; it stops when dropped.
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Mail>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _reserved: ReservedPort,
}

impl SmtpServer {
    /// Starts a server on a port reserved for it.
    pub async fn start() -> SmtpServer {
        Self::start_on(ReservedPort::new()).await
    }

    /// Starts a server on a port the test reserved earlier (an app may
    /// already be trying it: until now its connections were refused).
    pub async fn start_on(reserved: ReservedPort) -> SmtpServer {
        Self::serve(reserved, Answer::Accept)
    }

    /// A server that answers every recipient with "550 Mailbox unavailable".
    pub async fn start_refusing() -> SmtpServer {
        Self::serve(ReservedPort::new(), Answer::Refuse)
    }

    fn serve(reserved: ReservedPort, answer: Answer) -> SmtpServer {
        // Listening before this returns: the test's next connection is answered.
        let listener = reserved.listen();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let received = inbox.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            // mailin's sessions are not Send: every connection runs on this thread.
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let accepting = async {
                    while let Ok((stream, peer)) = listener.accept().await {
                        tokio::task::spawn_local(converse(stream, peer.ip(), Recorder::new(received.clone(), answer)));
                    }
                };
                tokio::select! {
                    _ = stopped => {}
                    _ = accepting => {}
                }
            });
        });
        SmtpServer { port: reserved.port, inbox, stop: Some(stop), thread: Some(thread), _reserved: reserved }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until at least `n` messages have arrived and returns them all.
    pub async fn wait_for_messages(&self, n: usize) -> Vec<Mail> {
        wait_for(&format!("{n} e-mails at the SMTP server"), || async {
            let found = self.messages();
            (found.len() >= n).then_some(found)
        })
        .await
    }

    /// Stops accepting and drops every open connection.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One client's conversation: a greeting, then a reply to each line until
/// the client quits or hangs up.
async fn converse(stream: tokio::net::TcpStream, peer: IpAddr, recorder: Recorder) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut session = SessionBuilder::new("jobconnect-test-smtp").build(peer, recorder);
    write.write_all(&session.greeting().buffer()?).await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let reply = session.process(&line);
        match reply.action {
            Action::NoReply => continue,
            Action::Reply => write.write_all(&reply.buffer()?).await?,
            Action::Close | Action::UpgradeTls => {
                write.write_all(&reply.buffer()?).await?;
                return Ok(());
            }
        }
    }
}

/// Keeps one message's envelope and content while it arrives; at the end of
/// DATA puts it in the inbox with the envelope as `X-MailFrom`/`X-RcptTo`
/// headers (as aiosmtpd's Mailbox did).
struct Recorder {
    inbox: Arc<Mutex<Vec<Mail>>>,
    answer: Answer,
    envelope: String,
    content: Vec<u8>,
}

impl Recorder {
    fn new(inbox: Arc<Mutex<Vec<Mail>>>, answer: Answer) -> Recorder {
        Recorder { inbox, answer, envelope: String::new(), content: Vec::new() }
    }
}

impl Handler for Recorder {
    fn rcpt(&mut self, _to: &str) -> Response {
        match self.answer {
            Answer::Accept => response::OK,
            Answer::Refuse => response::NO_MAILBOX,
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.envelope = format!("X-MailFrom: {from}\r\nX-RcptTo: {}\r\n", to.join(", "));
        self.content.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.content.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut raw = std::mem::take(&mut self.envelope).into_bytes();
        raw.append(&mut self.content);
        self.inbox.lock().unwrap().push(Mail::parse(&raw));
        response::OK
    }
}

//! A TCP proxy a test can cut or stall: stands in for a database or broker that goes
//! down (or stops answering) and comes back, without touching the shared server behind it.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Connections are forwarded.
    Forward,
    /// Connections are closed at once, like a server that is down.
    Cut,
    /// Connections are held open and nothing passes, like a network that drops packets.
    Stall,
}

/// Forwards connections from [`TcpProxy::address`] to a target while open.
#[derive(Debug)]
pub struct TcpProxy {
    pub address: SocketAddr,
    mode: Arc<watch::Sender<Mode>>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    /// Listens on a free loopback port and forwards to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address");
        let mode = Arc::new(watch::channel(Mode::Forward).0);
        let state = Arc::clone(&mode);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = state.subscribe();
                match *mode.borrow() {
                    Mode::Forward => drop(tokio::spawn(forward(client, target, mode.clone()))),
                    Mode::Cut => drop(client),
                    Mode::Stall => drop(tokio::spawn(hold(client, mode.clone()))),
                }
            }
        });
        TcpProxy {
            address,
            mode,
            task,
        }
    }

    /// Closes every forwarded connection and refuses new ones until [`TcpProxy::restore`].
    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    /// Holds every connection, old and new, without passing a byte, until restored or cut.
    pub fn stall(&self) {
        self.mode.send_replace(Mode::Stall);
    }

    /// Forwards again (stalled connections are closed).
    pub fn restore(&self) {
        self.mode.send_replace(Mode::Forward);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

async fn forward(mut client: TcpStream, target: SocketAddr, mut mode: watch::Receiver<Mode>) {
    let Ok(mut server) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => return,
        _ = mode.wait_for(|mode| *mode != Mode::Forward) => {}
    }
    if *mode.borrow() == Mode::Stall {
        let _ = mode.wait_for(|mode| *mode != Mode::Stall).await;
    }
}

async fn hold(client: TcpStream, mut mode: watch::Receiver<Mode>) {
    let _ = mode.wait_for(|mode| *mode != Mode::Stall).await;
    drop(client);
}

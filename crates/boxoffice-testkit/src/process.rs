//! A real `boxoffice serve` in a child process.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A server process on a free port, killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its attachment folder (`ATTACHMENT_DIR`), removed when dropped.
    files: std::path::PathBuf,
    /// Its e-mail folder (`MAIL_DIR`, unless SMTP is set), removed when dropped.
    pub mail: std::path::PathBuf,
    /// Its log (standard error), removed when dropped; printed if the test fails.
    log: std::path::PathBuf,
}

impl ServerProcess {
    /// Runs `binary serve --port 0 ARGS` with `env` and waits for its address line.
    pub fn start(binary: &str, args: &[&str], env: &[(&str, &str)]) -> Self {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let files = std::env::temp_dir().join(format!("boxoffice-process-files-{unique}"));
        let mail = std::env::temp_dir().join(format!("boxoffice-process-mail-{unique}"));
        let log = std::env::temp_dir().join(format!("boxoffice-process-{unique}.log"));
        let log_file = std::fs::File::create(&log).expect("create the process log");
        let mut command = Command::new(binary);
        command
            .args(["serve", "--port", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .env("BCRYPT_COST", "4")
            .env("ATTACHMENT_DIR", &files)
            .env("MAIL_DIR", &mail);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("start boxoffice serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the address line");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| {
                let logged = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("no address in {line:?}; it logged:\n{logged}")
            })
            .to_owned();
        ServerProcess {
            child,
            base,
            files,
            mail,
            log,
        }
    }

    /// What it logged so far (`RUST_LOG` is `warn` unless `env` says otherwise).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits up to `patience` for the process to exit; returns how it exited.
    pub fn terminate(mut self, patience: std::time::Duration) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "SIGTERM delivered");
        let began = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(
                began.elapsed() < patience,
                "the server did not exit within {patience:?} of SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.files);
        let _ = std::fs::remove_dir_all(&self.mail);
        if std::thread::panicking() {
            eprintln!("--- log of {} ---\n{}", self.base, self.log());
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// A namespace of RabbitMQ exchanges and queues for one test; its queues are deleted on drop.
#[derive(Debug)]
pub struct RabbitNamespace {
    pub name: String,
    pub url: String,
}

impl RabbitNamespace {
    pub fn new() -> Self {
        let url = std::env::var("BOXOFFICE_TEST_AMQP_URL")
            .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into());
        RabbitNamespace {
            name: format!("boxoffice-test-{}", uuid::Uuid::new_v4().simple()),
            url,
        }
    }
}

impl Default for RabbitNamespace {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for RabbitNamespace {
    fn drop(&mut self) {
        let Ok(listing) = Command::new("rabbitmqctl")
            .args(["list_queues", "name", "--quiet", "--no-table-headers"])
            .output()
        else {
            return;
        };
        let prefix = format!("{}.", self.name);
        for queue in String::from_utf8_lossy(&listing.stdout)
            .lines()
            .map(str::trim)
            .filter(|q| q.starts_with(&prefix))
        {
            let _ = Command::new("rabbitmqctl")
                .args(["delete_queue", queue])
                .output();
        }
    }
}

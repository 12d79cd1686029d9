//! A chromedriver started by the test, and browser sessions on it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, wait_for};

/// One browser test at a time: two Chromiums per test are plenty for a
/// small machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env).map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

pub struct Driver {
    process: Child,
    url: String,
    chromium: PathBuf,
    profiles: Vec<tempfile::TempDir>,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Driver {
    /// Starts chromedriver on a free port, or None (not run) when Chromium
    /// or chromedriver is missing outside CI.
    pub async fn start() -> Option<Driver> {
        let chromium = find("CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
        let chromedriver = find("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                panic!("CI requires chromium and chromedriver (/usr/bin/chromium, /usr/bin/chromedriver)");
            }
            eprintln!("browser tests: not run (install chromium and chromium-driver)");
            return None;
        };
        let turn = ONE_AT_A_TIME.lock().await;
        // Port 0: chromedriver picks a free port and says which, so no
        // other test can take it between choosing and listening.
        let mut process = Command::new(chromedriver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = process.stdout.take().unwrap();
        let port = tokio::task::spawn_blocking(move || {
            use std::io::BufRead;
            // "ChromeDriver was started successfully on port 41234."
            let mut lines = std::io::BufReader::new(stdout).lines();
            let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
                let (_, rest) = line.split_once("started successfully on port ")?;
                rest.trim_end_matches('.').trim().parse::<u16>().ok()
            });
            // Keep reading so chromedriver never blocks on a full pipe.
            std::thread::spawn(move || lines.for_each(drop));
            port
        })
        .await
        .unwrap()
        .expect("chromedriver says its port");
        let url = format!("http://127.0.0.1:{port}");
        let status = format!("{url}/status");
        wait_for("chromedriver to answer", || async {
            let resp = reqwest::get(&status).await.ok()?;
            resp.status().is_success().then_some(())
        })
        .await;
        Some(Driver { process, url, chromium, profiles: Vec::new(), _turn: turn })
    }

    /// A new browser window with its own profile (its own cookies).
    pub async fn session(&mut self) -> Client {
        self.open(json!({})).await
    }

    /// A new browser window showing pages as a phone of this size does
    /// (390 × 844): headless windows are never narrower than 500 px, so the
    /// phone is emulated.
    pub async fn phone(&mut self, width: u32, height: u32) -> Client {
        let metrics = json!({ "width": width, "height": height, "pixelRatio": 2, "mobile": false, "touch": true });
        self.open(json!({ "deviceMetrics": metrics })).await
    }

    async fn open(&mut self, mobile_emulation: serde_json::Value) -> Client {
        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": self.chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if mobile_emulation.as_object().is_some_and(|o| !o.is_empty()) {
            options["mobileEmulation"] = mobile_emulation;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        self.profiles.push(profile);
        ClientBuilder::new(HttpConnector::new()).capabilities(caps).connect(&self.url).await.expect("a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Logs a browser in through the log-in form.
pub async fn log_in(browser: &Client, app: &TestApp, user: &TestUser) {
    browser.goto(&app.url("/login")).await.unwrap();
    browser.find(Locator::Css("#login")).await.unwrap().send_keys(&user.username).await.unwrap();
    browser.find(Locator::Css("#password")).await.unwrap().send_keys(&user.password).await.unwrap();
    browser.find(Locator::Css("form[action='/login'] button[type=submit]")).await.unwrap().click().await.unwrap();
    // Wherever the site lands them, it is no longer the log-in page.
    wait_for("the log-in to go through", || async {
        let url = browser.current_url().await.ok()?;
        (url.path() != "/login").then_some(())
    })
    .await;
}

/// Saves a screenshot under `$CARGO_TARGET_DIR/screenshots/`.
pub async fn screenshot(browser: &Client, name: &str) {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf())
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = browser.screenshot().await.unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

//! Real headless Chromium for the integration tests (DESIGN §11), driven over WebDriver
//! (`fantoccini`) through Debian's `chromedriver`. Generic: nothing here knows Gridprice's pages,
//! so the admin pages' tests and the storefront's share it.
//!
//! ```ignore
//! let Some(browser) = Browser::start("my_test", Viewport::DESKTOP).await else { return };
//! browser.goto(&url).await;
//! let button = browser.wait_for_css("button.save").await;
//! button.click().await.unwrap();
//! let host = browser.find_css("gridprice-calculator").await;
//! let input = browser.in_shadow(&host, "input").await;           // open shadow roots
//! browser.keys("450\u{e004}").await;                              // typed into what has focus
//! browser.wait_until("the price", || async { … Some(value) }).await;
//! browser.screenshot("after-price").await;                        // target/browser-artifacts/…
//! browser.assert_accessible("product page").await;                // axe-core: no serious/critical
//! browser.finish().await;                                          // closes Chromium
//! ```
//!
//! - **Skipping.** Without Chromium, chromedriver or axe-core (`npm ci --prefix tools/browser`),
//!   [`Browser::start`] prints `SKIPPED <test>: <why>` and returns `None` — except under
//!   `CI=true`, where it panics: CI must run them (`.ci/run` installs Debian's `chromium` and
//!   `chromium-driver`). `GRIDPRICE_CHROMIUM` and `GRIDPRICE_CHROMEDRIVER` override the paths.
//! - **Processes.** Each browser is its own chromedriver (on a free port, in its own process
//!   group) with its own Chromium profile in a temporary directory; [`Browser::finish`] closes
//!   the session, and dropping a `Browser` (a failed test) kills that process group.
//! - **Artifacts.** Screenshots, axe reports and chromedriver's log go to
//!   `<target dir>/browser-artifacts/<test>/` (`GRIDPRICE_BROWSER_ARTIFACTS` overrides the
//!   root); [`Browser::snapshot`] also saves the page's HTML, for failures.

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions, MouseActions, PointerAction};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long [`Browser::wait_until`] and the `wait_for_*` helpers wait by default.
pub const WAIT: Duration = Duration::from_secs(15);

/// The size of the page as the shopper sees it.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    /// Emulate a phone (touch, mobile user agent, device pixel ratio) rather than a narrow
    /// desktop window.
    pub phone: bool,
}

impl Viewport {
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 900,
        phone: false,
    };
    /// An ordinary phone held upright (CSS pixels).
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
        phone: true,
    };
}

/// A headless Chromium session and the chromedriver behind it.
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    artifacts: PathBuf,
    _profile: tempfile::TempDir,
}

/// What the machine lacks for browser tests, if anything.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let find = |env: &str, names: &[&str]| -> Option<PathBuf> {
        if let Ok(path) = std::env::var(env) {
            return Some(PathBuf::from(path)).filter(|p| p.is_file());
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        names.iter().find_map(|name| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
    };
    let chromium = find(
        "GRIDPRICE_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .ok_or("Chromium is not installed (apt-get install chromium)")?;
    let driver = find("GRIDPRICE_CHROMEDRIVER", &["chromedriver"])
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    if !axe_path().is_file() {
        return Err(format!(
            "axe-core is missing at {} (npm ci --prefix tools/browser)",
            axe_path().display()
        ));
    }
    Ok((chromium, driver))
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn axe_path() -> PathBuf {
    repository_root().join("tools/browser/node_modules/axe-core/axe.min.js")
}

/// `<target dir>/browser-artifacts`, from the test binary's own path
/// (`<target dir>/<profile>/deps/it-…`), or `GRIDPRICE_BROWSER_ARTIFACTS`.
pub fn artifacts_root() -> PathBuf {
    if let Ok(dir) = std::env::var("GRIDPRICE_BROWSER_ARTIFACTS") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| repository_root().join("target"))
        .join("browser-artifacts")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl Browser {
    /// A headless Chromium with this viewport, for the test named `test` (its artifacts'
    /// folder). `None`, after saying why, when the machine has no browser and `CI` is not
    /// `true`.
    pub async fn start(test: &str, viewport: Viewport) -> Option<Browser> {
        let (chromium, driver_path) = match tools() {
            Ok(found) => found,
            Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("browser test {test} cannot run under CI=true: {why}")
            }
            Err(why) => {
                eprintln!("SKIPPED {test}: {why}");
                return None;
            }
        };
        let artifacts = artifacts_root().join(test);
        std::fs::create_dir_all(&artifacts).expect("create the artifacts folder");
        let mut last_error = String::new();
        // A port picked free can be taken before chromedriver binds it: try a few times.
        for _ in 0..3 {
            let port = free_port();
            let mut command = Command::new(&driver_path);
            command
                .arg(format!("--port={port}"))
                .arg(format!(
                    "--log-path={}",
                    artifacts.join("chromedriver.log").display()
                ))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt as _;
                // Chromium is chromedriver's child: one group to end them together.
                command.process_group(0);
            }
            let mut browser = Browser {
                client: None,
                driver: command.spawn().expect("start chromedriver"),
                artifacts: artifacts.clone(),
                _profile: tempfile::tempdir().expect("a profile folder"),
            };
            match browser.connect(port, &chromium, viewport).await {
                Ok(()) => return Some(browser),
                Err(error) => last_error = error, // dropping `browser` ends its processes
            }
        }
        panic!("{test}: could not start headless Chromium: {last_error}")
    }

    async fn connect(
        &mut self,
        port: u16,
        chromium: &Path,
        viewport: Viewport,
    ) -> Result<(), String> {
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let http = reqwest::Client::new();
        loop {
            let ready = http
                .get(format!("{url}/status"))
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success());
            if ready.is_some() {
                break;
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not answer /status within 20 s".into());
            }
            if let Ok(Some(status)) = self.driver.try_wait() {
                return Err(format!("chromedriver exited: {status}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-extensions".to_owned(),
            "--no-first-run".to_owned(),
            "--lang=en-US".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--user-data-dir={}", self._profile.path().display()),
        ];
        // The viewport is set exactly (a window size would include the browser's own frame).
        let mut emulation = json!({
            "deviceMetrics": {
                "width": viewport.width,
                "height": viewport.height,
                "pixelRatio": if viewport.phone { 2.0 } else { 1.0 },
                "touch": viewport.phone,
                "mobile": viewport.phone,
            },
        });
        if viewport.phone {
            emulation["userAgent"] = json!(
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/130.0 Mobile Safari/537.36"
            );
        }
        args.push(format!(
            "--window-size={},{}",
            viewport.width,
            viewport.height + 200
        ));
        let mut options = json!({ "binary": chromium, "args": [], "mobileEmulation": emulation });
        options["args"] = json!(args);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&url)
            .await
            .map_err(|e| format!("no browser session: {e}"))?;
        client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(30)),
                Some(Duration::from_secs(30)),
                Some(Duration::ZERO),
            ))
            .await
            .map_err(|e| format!("timeouts: {e}"))?;
        self.client = Some(client);
        Ok(())
    }

    /// The WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("a connected browser")
    }

    /// Loads `url` and waits for the document to finish loading.
    pub async fn goto(&self, url: &str) {
        self.client()
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("load {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        self.client()
            .current_url()
            .await
            .expect("the URL")
            .to_string()
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `check` until it gives `Some`, for at most [`WAIT`]; panics naming `what`.
    pub async fn wait_until<T, F, Fut>(&self, what: &str, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(value) = check().await {
                return value;
            }
            if Instant::now() > deadline {
                self.snapshot("timeout").await;
                panic!(
                    "waited {WAIT:?} for {what} (page: {}; snapshot in {})",
                    self.current_url().await,
                    self.artifacts.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Polls a script until it returns something other than `null`/`undefined`/`false`.
    pub async fn wait_for_js(&self, what: &str, script: &str) -> Value {
        self.wait_until(what, || async {
            let value = self.client().execute(script, vec![]).await.ok()?;
            (!value.is_null() && value != Value::Bool(false)).then_some(value)
        })
        .await
    }

    /// The first element matching `css` in the document.
    pub async fn find_css(&self, css: &str) -> Element {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css:?}: {e}"))
    }

    /// Waits for an element matching `css` in the document.
    pub async fn wait_for_css(&self, css: &str) -> Element {
        self.wait_until(&format!("an element {css:?}"), || async {
            self.client().find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// The first element matching `css` inside `host`'s open shadow root (waits for it).
    pub async fn in_shadow(&self, host: &Element, css: &str) -> Element {
        self.wait_until(&format!("{css:?} in a shadow root"), || async {
            host.shadow_root()
                .await
                .ok()?
                .find(Locator::Css(css))
                .await
                .ok()
        })
        .await
    }

    /// Every element matching `css` inside `host`'s open shadow root.
    pub async fn all_in_shadow(&self, host: &Element, css: &str) -> Vec<Element> {
        let root = host.shadow_root().await.expect("an open shadow root");
        root.find_all(Locator::Css(css)).await.unwrap_or_default()
    }

    /// Types `keys` into whatever has focus, as a keyboard does (`fantoccini::key::Key` for
    /// Tab, Enter, arrows…: e.g. `"\u{e004}"` is Tab).
    pub async fn keys(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client()
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("press {keys:?}: {e}"));
    }

    /// Presses and releases the left mouse button on `element` `times` times in quick
    /// succession (2 = a double click), as one gesture.
    pub async fn click_times(&self, element: &Element, times: usize) {
        let mut mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::MoveToElement {
            element: element.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        for _ in 0..times {
            mouse = mouse
                .then(PointerAction::Down {
                    button: fantoccini::actions::MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::Up {
                    button: fantoccini::actions::MOUSE_BUTTON_LEFT,
                });
        }
        self.client().perform_actions(mouse).await.expect("click");
    }

    /// A text describing what has focus, looking into shadow roots: the element's tag, its
    /// `id`, `name`, `part` and text. For keyboard tests.
    pub async fn focused(&self) -> String {
        let value = self
            .js(
                "let e = document.activeElement;
                 while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
                 if (!e) return '';
                 return [e.tagName.toLowerCase(), e.id, e.getAttribute('name'), e.getAttribute('part'),
                         (e.textContent || '').trim().slice(0, 40)].filter(Boolean).join(' ');",
                vec![],
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Saves a PNG of the viewport as `<label>.png` in the test's artifacts folder.
    pub async fn screenshot(&self, label: &str) -> PathBuf {
        let png = self.client().screenshot().await.expect("a screenshot");
        let path = self.artifacts.join(format!("{label}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Saves a PNG of one element (e.g. a component) as `<label>.png`.
    pub async fn screenshot_of(&self, element: &Element, label: &str) -> PathBuf {
        let png = element.screenshot().await.expect("a screenshot");
        let path = self.artifacts.join(format!("{label}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// A screenshot and the page's HTML, for a failure.
    pub async fn snapshot(&self, label: &str) {
        if let Ok(png) = self.client().screenshot().await {
            let _ = std::fs::write(self.artifacts.join(format!("{label}.png")), png);
        }
        if let Ok(html) = self.client().source().await {
            let _ = std::fs::write(self.artifacts.join(format!("{label}.html")), html);
        }
    }

    /// Runs axe-core (WCAG 2 A/AA and best-practice rules, open shadow roots included) on the
    /// current page; saves the report as `axe-<label>.json`; returns the violations.
    pub async fn axe(&self, label: &str) -> Vec<Value> {
        let loaded = self
            .js("return typeof window.axe === 'object';", vec![])
            .await;
        if loaded != Value::Bool(true) {
            let source = std::fs::read_to_string(axe_path()).expect("read axe-core");
            self.js(&format!("{source}\n;return true;"), vec![]).await;
        }
        let result = self
            .client()
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done({ violations: r.violations.map(v => ({
                       id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                       nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary })) })) }))
                   .catch(e => done({ error: String(e) }));",
                vec![],
            )
            .await
            .expect("run axe-core");
        assert!(result["error"].is_null(), "axe-core failed: {result}");
        let slug: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        std::fs::write(
            self.artifacts.join(format!("axe-{slug}.json")),
            serde_json::to_string_pretty(&result).unwrap_or_default(),
        )
        .expect("write the axe report");
        result["violations"].as_array().cloned().unwrap_or_default()
    }

    /// [`Self::axe`], failing on any serious or critical violation (the others are printed).
    pub async fn assert_accessible(&self, label: &str) {
        let violations = self.axe(label).await;
        let (blocking, other): (Vec<&Value>, Vec<&Value>) = violations
            .iter()
            .partition(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")));
        for violation in &other {
            eprintln!(
                "axe ({label}): {} {}: {}",
                violation["impact"], violation["id"], violation["help"]
            );
        }
        if !blocking.is_empty() {
            self.snapshot(&format!("axe-{label}")).await;
        }
        assert!(
            blocking.is_empty(),
            "{label}: serious or critical accessibility violations:\n{}",
            serde_json::to_string_pretty(&blocking).unwrap_or_default()
        );
    }

    /// Closes the browser session and stops chromedriver.
    pub async fn finish(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
        // Drop ends chromedriver's process group.
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            // The whole group: chromedriver and the Chromium it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.driver.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Keys for [`Browser::keys`].
pub mod key {
    pub const TAB: &str = "\u{e004}";
    pub const ENTER: &str = "\u{e007}";
    pub const ARROW_DOWN: &str = "\u{e015}";
    pub const ARROW_UP: &str = "\u{e013}";
    pub const BACKSPACE: &str = "\u{e003}";
    pub const SPACE: &str = " ";
}

//! Settings from the environment (and `.env`), typed and with defaults.

use std::path::PathBuf;

use anyhow::{Context, bail};

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    /// Public address of the site, used in e-mails and to check WebSocket `Origin`.
    pub base_url: String,
    pub data_dir: PathBuf,
    pub upload_dir: PathBuf,
    pub mail_dir: PathBuf,
    /// 64 bytes that sign and encrypt session cookies.
    pub session_key: Vec<u8>,
    pub cookie_secure: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub max_upload_bytes: u64,
    pub max_image_bytes: u64,
    pub max_form_bytes: usize,
    /// How long one upload's body may take to arrive (`UPLOAD_DEADLINE_SECS`,
    /// 300): a client trickling bytes holds a temporary file no longer.
    pub upload_deadline: std::time::Duration,
    pub bcrypt_cost: u32,
    /// Database connections per instance; default twice the cores (at least
    /// 4): more queries at once than the CPUs can run only stretch each one
    /// (docs/BENCHMARKS.md, pool size).
    pub db_pool_size: u32,
    pub workers: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Run background workers (outbox, job closing) in this process.
    pub background_workers: bool,
    /// How the outbox worker sends: retries, batch size, parallel connections.
    pub mail_delivery: MailDelivery,
    /// Abuse limits: session lifetime, sign-ups per address, sockets per user.
    pub limits: Limits,
    /// Keep job list pages in memory (`JOB_CACHE`, true); off for measuring the queries.
    pub job_cache: bool,
    /// The currency pay is compared in (`PAY_CURRENCY`, EUR), and a newer
    /// exchange-rate file than the shipped one (`EXCHANGE_RATES_FILE`).
    pub pay_currency: String,
    pub exchange_rates_file: Option<PathBuf>,
    /// This instance's job search index (`SEARCH_INDEX_DIR`, DATA_DIR/search-index):
    /// one per instance, never shared.
    pub search_index_dir: PathBuf,
    /// A synonym list to use instead of the shipped one (`SEARCH_SYNONYMS_FILE`).
    pub search_synonyms_file: Option<PathBuf>,
}

/// Limits that keep one client from wearing out the site or an account.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a log-in lasts, checked on the server (`SESSION_HOURS`, 12).
    pub session_ttl: std::time::Duration,
    /// Sign-ups answered per client address and hour (`SIGNUPS_PER_ADDRESS_HOUR`, 10).
    pub signups_per_address: i64,
    /// Live sockets one user may hold open on one instance (`SOCKETS_PER_USER`, 12).
    pub sockets_per_user: usize,
    /// Applications one seeker may send per hour (`APPLICATIONS_PER_HOUR`, 30).
    pub applications_per_hour: i64,
    /// Messages one user may send per hour (`MESSAGES_PER_HOUR`, 120).
    pub messages_per_hour: i64,
    /// Team invitations per hour (`INVITATIONS_PER_HOUR`, 20 per user;
    /// `INVITATIONS_PER_COMPANY_HOUR`, 50 per company).
    pub invitations: PerHour,
    /// Applicants added by hand per hour (`HAND_ADDED_PER_HOUR`, 100;
    /// `HAND_ADDED_PER_COMPANY_HOUR`, 300).
    pub hand_added: PerHour,
    /// E-mails written to applicants per hour, each recipient counted
    /// (`EMAILS_PER_HOUR`, 200; `EMAILS_PER_COMPANY_HOUR`, 500).
    pub emails: PerHour,
}

/// A limit per hour for each user and for each company (its members together).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerHour {
    pub user: i64,
    pub company: i64,
}

impl PerHour {
    /// From `NAME_PER_HOUR` and `NAME_PER_COMPANY_HOUR`, each at least 1.
    fn from_env(name: &str, default: PerHour) -> anyhow::Result<PerHour> {
        Ok(PerHour {
            user: parse_var(&format!("{name}_PER_HOUR"), default.user)?.max(1),
            company: parse_var(&format!("{name}_PER_COMPANY_HOUR"), default.company)?.max(1),
        })
    }
}

const INVITATIONS: PerHour = PerHour { user: 20, company: 50 };
const HAND_ADDED: PerHour = PerHour { user: 100, company: 300 };
const EMAILS: PerHour = PerHour { user: 200, company: 500 };

impl Default for Limits {
    fn default() -> Self {
        Limits {
            session_ttl: std::time::Duration::from_secs(12 * 3600),
            signups_per_address: 10,
            sockets_per_user: 12,
            applications_per_hour: 30,
            messages_per_hour: 120,
            invitations: INVITATIONS,
            hand_added: HAND_ADDED,
            emails: EMAILS,
        }
    }
}

/// Tuning of the outbox worker (`MAIL_*` variables).
#[derive(Debug, Clone)]
pub struct MailDelivery {
    /// Attempts before an e-mail is marked failed (`MAIL_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubled after each (`MAIL_RETRY_BASE_SECS`).
    pub retry_base: std::time::Duration,
    /// Longest wait between two attempts (`MAIL_RETRY_MAX_SECS`).
    pub retry_max: std::time::Duration,
    /// E-mails claimed at once (`MAIL_BATCH_SIZE`).
    pub batch_size: u32,
    /// E-mails sent at the same time, and SMTP connections kept open (`MAIL_CONCURRENCY`).
    pub concurrency: u32,
    /// How often the worker looks for due e-mails when nothing woke it.
    pub poll_interval: std::time::Duration,
}

impl Default for MailDelivery {
    fn default() -> Self {
        MailDelivery {
            max_attempts: 10,
            retry_base: std::time::Duration::from_secs(30),
            retry_max: std::time::Duration::from_secs(3600),
            batch_size: 100,
            concurrency: 8,
            poll_interval: std::time::Duration::from_secs(1),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("data_dir", &self.data_dir)
            .field("upload_dir", &self.upload_dir)
            .field("session_key", &"<secret>")
            .field("cookie_secure", &self.cookie_secure)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("mail_dir", &self.mail_dir)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("bcrypt_cost", &self.bcrypt_cost)
            .field("db_pool_size", &self.db_pool_size)
            .field("workers", &self.workers)
            .field("mail_delivery", &self.mail_delivery)
            .field("limits", &self.limits)
            .field("job_cache", &self.job_cache)
            .field("pay_currency", &self.pay_currency)
            .field("exchange_rates_file", &self.exchange_rates_file)
            .field("search_index_dir", &self.search_index_dir)
            .field("search_synonyms_file", &self.search_synonyms_file)
            .finish_non_exhaustive()
    }
}

/// Hides the password of `scheme://user:password@host`.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_string(),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e| anyhow::anyhow!("{name}={v:?} is not valid: {e}")),
    }
}

impl Settings {
    /// Reads `.env` (if present) and the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let _ = dotenvy::dotenv();
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let bind = var("BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let base_url = var("BASE_URL").unwrap_or_else(|| default_base_url(&bind));
        let upload_dir = var("UPLOAD_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("uploads"));
        let search_index_dir =
            var("SEARCH_INDEX_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("search-index"));
        let mail_dir = var("MAIL_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("mail"));
        let database_url =
            var("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}", data_dir.join("jobconnect.db").display()));
        let session_key = match var("SESSION_KEY") {
            Some(k) => decode_key(&k).context("SESSION_KEY must be at least 64 bytes, hex-encoded (128 hex digits)")?,
            None => load_or_create_key(&data_dir)?,
        };
        let settings = Settings {
            database_url,
            cookie_secure: parse_var("COOKIE_SECURE", base_url.starts_with("https://"))?,
            bind,
            base_url: base_url.trim_end_matches('/').to_string(),
            data_dir,
            upload_dir,
            mail_dir,
            session_key,
            smtp_url: var("SMTP_URL"),
            mail_from: var("MAIL_FROM").unwrap_or_else(|| "JobConnect <no-reply@jobconnect.local>".into()),
            max_upload_bytes: parse_var("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)?,
            max_image_bytes: parse_var("MAX_IMAGE_BYTES", 2 * 1024 * 1024)?,
            max_form_bytes: parse_var("MAX_FORM_BYTES", 256 * 1024)?,
            upload_deadline: std::time::Duration::from_secs(parse_var("UPLOAD_DEADLINE_SECS", 300u64)?.max(1)),
            bcrypt_cost: parse_var("BCRYPT_COST", bcrypt::DEFAULT_COST)?,
            db_pool_size: parse_var("DB_POOL_SIZE", (2 * cores).max(4) as u32)?,
            workers: parse_var("WORKERS", cores)?,
            trust_proxy: parse_var("TRUST_PROXY", false)?,
            background_workers: parse_var("BACKGROUND_WORKERS", true)?,
            mail_delivery: MailDelivery {
                max_attempts: parse_var("MAIL_MAX_ATTEMPTS", 10u32)?.max(1),
                retry_base: std::time::Duration::from_secs(parse_var("MAIL_RETRY_BASE_SECS", 30u64)?.max(1)),
                retry_max: std::time::Duration::from_secs(parse_var("MAIL_RETRY_MAX_SECS", 3600u64)?.max(1)),
                batch_size: parse_var("MAIL_BATCH_SIZE", 100u32)?.clamp(1, 1000),
                concurrency: parse_var("MAIL_CONCURRENCY", 8u32)?.clamp(1, 64),
                poll_interval: std::time::Duration::from_secs(1),
            },
            job_cache: parse_var("JOB_CACHE", true)?,
            pay_currency: std::env::var("PAY_CURRENCY").unwrap_or_else(|_| "EUR".into()),
            exchange_rates_file: std::env::var_os("EXCHANGE_RATES_FILE").map(PathBuf::from),
            search_index_dir,
            search_synonyms_file: std::env::var_os("SEARCH_SYNONYMS_FILE").map(PathBuf::from),
            limits: Limits {
                session_ttl: std::time::Duration::from_secs(
                    parse_var("SESSION_HOURS", 12u64)?.clamp(1, 24 * 90) * 3600,
                ),
                signups_per_address: parse_var("SIGNUPS_PER_ADDRESS_HOUR", 10i64)?.max(1),
                sockets_per_user: parse_var("SOCKETS_PER_USER", 12usize)?.max(1),
                applications_per_hour: parse_var("APPLICATIONS_PER_HOUR", 30i64)?.max(1),
                messages_per_hour: parse_var("MESSAGES_PER_HOUR", 120i64)?.max(1),
                invitations: PerHour::from_env("INVITATIONS", INVITATIONS)?,
                hand_added: PerHour::from_env("HAND_ADDED", HAND_ADDED)?,
                emails: PerHour::from_env("EMAILS", EMAILS)?,
            },
        };
        if !(4..=31).contains(&settings.bcrypt_cost) {
            bail!("BCRYPT_COST must be between 4 and 31");
        }
        Ok(settings)
    }
}

fn default_base_url(bind: &str) -> String {
    let bind = bind.replace("0.0.0.0", "localhost");
    format!("http://{bind}")
}

fn decode_key(hex_key: &str) -> anyhow::Result<Vec<u8>> {
    let key = hex::decode(hex_key.trim())?;
    if key.len() < 64 {
        bail!("key too short");
    }
    Ok(key)
}

/// Sessions survive restarts without configuration: the key is generated once
/// and kept (readable only by its owner) in the data directory.
fn load_or_create_key(data_dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join("session.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return decode_key(&existing)
            .with_context(|| format!("{} is corrupt; delete it to make a new one", path.display()));
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let key: [u8; 64] = rand::random();
    let tmp = path.with_extension("key.tmp");
    std::fs::write(&tmp, hex::encode(key))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(key.to_vec())
}

//! Operator commands beside `serve`.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};

use crate::config::Settings;
use crate::db::{self, Db, users};
use crate::domain::{Email, Password, Role, Username};

/// Runs the migrations; refused while a server serves the SQLite site
/// (it runs them itself at start).
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let _lock = crate::db::site_lock::SiteLock::take(&settings.database_url, "migrate")?;
    Db::new(&settings.database_url, 1)?.migrate()
}

fn prompt(label: &str) -> anyhow::Result<String> {
    print!("{label}: ");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Creates an admin: the only way to make the first one. Missing values are
/// asked for (the password without echo).
pub fn create_admin(
    settings: &Settings,
    email: Option<String>,
    username: Option<String>,
    password: Option<String>,
) -> anyhow::Result<()> {
    let email = match email {
        Some(e) => e,
        None => prompt("E-mail")?,
    };
    let email = Email::parse(&email).map_err(|e| anyhow::anyhow!(e))?;
    let username = match username {
        Some(u) => u,
        None => prompt("User name")?,
    };
    let username = Username::parse(&username).map_err(|e| anyhow::anyhow!(e))?;
    let password = match password {
        Some(p) => p,
        None => rpassword::prompt_password("Password: ").context("cannot read the password")?,
    };
    let password = Password::parse(&password).map_err(|e| anyhow::anyhow!(e))?;
    let hash = bcrypt::non_truncating_hash(password.expose(), settings.bcrypt_cost)?;

    let database = Db::new(&settings.database_url, 1)?;
    database.migrate()?;
    let mut conn = database.pool().get()?;
    let user = db::transaction(&mut conn, |c| {
        if users::email_taken(c, email.as_str())? {
            bail!("a user with the e-mail {} already exists", email.as_str());
        }
        if users::username_taken(c, username.as_str())? {
            bail!("a user named {} already exists", username.as_str());
        }
        let user = users::create_account(
            c,
            &users::NewAccount {
                email: email.as_str(),
                full_name: "",
                username: username.as_str(),
                password_hash: &hash,
                role: Role::Admin,
                company_name: None,
                email_confirmed: true,
                timezone: "",
            },
        )?;
        db::audit::record(
            c,
            db::audit::AuditRecord {
                actor_id: None,
                action: "user.create_admin",
                target_type: "user",
                target_id: Some(user.id),
                detail: "created with the create-admin command".into(),
                ip: "",
            },
        )?;
        Ok(user)
    })?;
    println!("Admin {} (id {}) created.", user.username, user.id);
    Ok(())
}

/// Rebuilds the job search index: moves the index epoch, so every running
/// instance rebuilds its index now and a stopped one at its next start;
/// when no server holds this instance's index (`SEARCH_INDEX_DIR`), builds
/// it here and says how long that took and how large it is.
pub fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::new(&settings.database_url, 1)?;
    let mut conn = db.pool().get().context("cannot connect to the database")?;
    let epoch = db::jobs::next_index_epoch(&mut conn)?;
    match crate::search::SearchIndex::open(&settings.search_index_dir, settings.search_synonyms_file.as_deref()) {
        Ok(index) => {
            let started = std::time::Instant::now();
            index.sync(&mut conn)?;
            let (jobs, bytes) = index.size();
            println!(
                "built {} with {jobs} open jobs in {:.1} s ({:.1} MB on disk)",
                index.dir().display(),
                started.elapsed().as_secs_f64(),
                bytes as f64 / 1e6
            );
        }
        Err(e) => println!("index epoch {epoch}: running instances rebuild their indexes now ({e})"),
    }
    Ok(())
}

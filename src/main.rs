use clap::{Parser, Subcommand};
use jobconnect::config::Settings;
use jobconnect::startup::Application;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "jobconnect", version, about = "JobConnect: a job portal and applicant CRM")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Run the database migrations and exit.
    Migrate,
    /// Create an admin account (asks for what is not given).
    CreateAdmin {
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        password: Option<String>,
    },
    /// Print the text of a PDF (used by the server to read resumes in a child process).
    #[command(hide = true)]
    PdfText { path: std::path::PathBuf },
    /// Rebuild the job search index (every running instance rebuilds its own).
    Reindex,
    /// Fill the database with demo companies, jobs, seekers and applications.
    SeedDemo,
    /// Generate a large data set for load tests (into a database without companies or jobs).
    GenData {
        #[arg(long, default_value_t = 100_000)]
        jobs: usize,
        #[arg(long, default_value_t = 20_000)]
        seekers: usize,
        #[arg(long, default_value_t = 200_000)]
        applicants: usize,
        /// Default: one per 100 jobs, at least 10.
        #[arg(long)]
        companies: Option<usize>,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The password of every generated account (employer1…, seeker1…).
        #[arg(long, default_value = "generated-password")]
        password: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::PdfText { path }) = &cli.command {
        // Before settings and logging: the child touches nothing but the file.
        std::process::exit(jobconnect::storage::pdf_text_command(path));
    }
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_target(false)
        .init();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => jobconnect::commands::migrate(&settings),
        Command::CreateAdmin { email, username, password } => {
            jobconnect::commands::create_admin(&settings, email, username, password)
        }
        Command::PdfText { .. } => unreachable!("handled before the settings are read"),
        Command::SeedDemo => jobconnect::seed::seed_demo(&settings),
        Command::Reindex => jobconnect::commands::reindex(&settings),
        Command::GenData { jobs, seekers, applicants, companies, seed, password } => {
            let opts = jobconnect::seed::GenOptions {
                jobs,
                seekers,
                applicants,
                companies,
                seed,
                password,
                bcrypt_cost: settings.bcrypt_cost,
                rates: jobconnect::domain::money::Rates::load(
                    settings.exchange_rates_file.as_deref(),
                    &settings.pay_currency,
                )?,
            };
            jobconnect::seed::generate::run(&settings, &opts)
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(?settings, "starting");
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        app.run_until_stopped().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

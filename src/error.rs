//! One error type for the whole app and its mapping to HTTP status and page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The user is known but may not do this (CSRF failures use `Csrf`).
    #[error("forbidden")]
    Forbidden,
    #[error("missing or invalid CSRF token")]
    Csrf,
    /// A page needs a logged-in user: answered with a redirect to the log-in page.
    #[error("login required")]
    LoginRequired { next: String },
    #[error("invalid input: {0}")]
    Unprocessable(String),
    #[error("payload too large")]
    PayloadTooLarge,
    /// The upload disk is full (an operator's problem; try again later).
    #[error("insufficient storage")]
    InsufficientStorage,
    /// The request's body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(anyhow::anyhow!("{e}"))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                AppError::Unavailable(info.message().to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, info) => {
                AppError::Unavailable(info.message().to_string())
            }
            Error::BrokenTransactionManager => AppError::Unavailable("broken transaction".into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    title: &'static str,
    message: &'static str,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            AppError::LoginRequired { next } => {
                let target = format!(
                    "/login?next={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return HttpResponse::SeeOther().insert_header(("Location", target)).finish();
            }
            AppError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "service unavailable"),
            _ => {}
        }
        let (title, message) = self.words();
        let body = ErrorPage { status: status.as_u16(), title, message }.render().unwrap_or_else(|_| title.to_string());
        let mut builder = HttpResponse::build(status);
        if matches!(self, AppError::TooManyRequests) {
            builder.insert_header(("Retry-After", "300"));
        }
        builder.content_type("text/html; charset=utf-8").body(body)
    }
}

impl AppError {
    /// The error page's title and sentence.
    pub fn words(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("Page not found", "This page does not exist, or it is not shared with you."),
            AppError::Forbidden => ("Not allowed", "You are not allowed to do that."),
            AppError::Csrf => (
                "Form expired",
                "This form was out of date or did not come from JobConnect. Go back, reload the page and try again.",
            ),
            AppError::Unprocessable(_) => (
                "Invalid request",
                "Some of what was sent could not be understood. Go back, check the form and try again.",
            ),
            AppError::PayloadTooLarge => ("Too large", "What you sent is larger than we accept."),
            AppError::InsufficientStorage => (
                "Could not store your upload",
                "The server has no room for files just now. Nothing was saved; please try again later.",
            ),
            AppError::RequestTimeout => {
                ("Too slow", "What you sent took too long to arrive. Try again on a faster connection.")
            }
            AppError::UnsupportedMediaType => ("Unsupported file type", "That kind of file is not accepted here."),
            AppError::TooManyRequests => {
                ("Too many attempts", "There were too many attempts in a short time. Wait a few minutes and try again.")
            }
            AppError::Unavailable(_) => (
                "Temporarily unavailable",
                "JobConnect cannot reach its database right now. Please try again in a moment.",
            ),
            AppError::Internal(_) | AppError::LoginRequired { .. } => {
                ("Something went wrong", "An unexpected error happened on our side. It has been logged.")
            }
        }
    }
}

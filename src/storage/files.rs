//! Uploaded files: checked by their first bytes, moved into place under a
//! generated name, and recorded by the row that names them (`store`). A
//! refused or broken upload leaves nothing behind: temporary files are
//! removed when dropped, and any left by a crash are removed at start-up.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::db::{AnyConnection, Db};
use crate::error::AppError;

/// What a file must be, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    /// PNG, JPEG or WebP.
    Image,
}

impl FileKind {
    fn folder(self) -> &'static str {
        match self {
            FileKind::Pdf => "resumes",
            FileKind::Image => "images",
        }
    }
}

/// A file received whole, still in its temporary place (or, when the disk
/// was full, received and dropped: `check` says so).
pub struct Upload {
    pub(super) temp: Option<PathBuf>,
    /// The disk had no room for it: nothing of it is kept.
    pub(super) no_room: bool,
    pub size: u64,
    /// The client's file name, sanitised: for display only.
    pub display_name: String,
    pub kind: FileKind,
    pub(super) head: Vec<u8>,
    pub(super) root: PathBuf,
}

/// Why a received file is not accepted (the form says so; nothing is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    Empty,
    WrongType,
    /// The upload disk is full: the operator's problem, not the person's.
    NoRoom,
}

impl UploadProblem {
    pub fn message(self, kind: FileKind) -> &'static str {
        match (self, kind) {
            (UploadProblem::NoRoom, _) => {
                "We could not store your file: the server has no room for files just now. Nothing was saved; please try again later."
            }
            (UploadProblem::Empty, _) => "The file is empty.",
            (UploadProblem::WrongType, FileKind::Pdf) => "That file is not a PDF. Upload your resume as a PDF.",
            (UploadProblem::WrongType, FileKind::Image) => "Upload a PNG, JPEG or WebP picture.",
        }
    }

    /// The status of a form refused for this: 422 (empty), 415 (not the
    /// kind of file asked for), 507 (the disk was full: try again later).
    pub fn status(self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode;
        match self {
            UploadProblem::Empty => StatusCode::UNPROCESSABLE_ENTITY,
            UploadProblem::WrongType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            UploadProblem::NoRoom => StatusCode::INSUFFICIENT_STORAGE,
        }
    }

    /// The status of a form with more than the file, refused for this: 507
    /// when the disk was full, else 422 (the form says what to change).
    pub fn form_status(self) -> actix_web::http::StatusCode {
        match self {
            UploadProblem::NoRoom => self.status(),
            UploadProblem::Empty | UploadProblem::WrongType => actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl Upload {
    /// Checks the content: a `%PDF-` header, or a PNG/JPEG/WebP signature.
    pub fn check(&self) -> Result<(), UploadProblem> {
        if self.no_room {
            return Err(UploadProblem::NoRoom);
        }
        if self.size == 0 {
            return Err(UploadProblem::Empty);
        }
        let ok = match self.kind {
            FileKind::Pdf => self.head.starts_with(b"%PDF-"),
            FileKind::Image => image_mime(&self.head).is_some(),
        };
        if ok { Ok(()) } else { Err(UploadProblem::WrongType) }
    }

    /// The content type the stored file is served with.
    fn mime(&self) -> &'static str {
        match self.kind {
            FileKind::Pdf => "application/pdf",
            FileKind::Image => image_mime(&self.head).unwrap_or("application/octet-stream"),
        }
    }

    fn temp_path(&self) -> &Path {
        self.temp.as_deref().expect("not yet persisted")
    }

    /// Moves the (checked) file into place under a generated name (`store`
    /// records it).
    async fn persist(mut self, text: String) -> Result<StoredFile, AppError> {
        self.check().map_err(|problem| match problem {
            UploadProblem::NoRoom => AppError::InsufficientStorage,
            UploadProblem::Empty | UploadProblem::WrongType => AppError::UnsupportedMediaType,
        })?;
        let ext = match self.mime() {
            "application/pdf" => "pdf",
            "image/png" => "png",
            "image/jpeg" => "jpg",
            "image/webp" => "webp",
            _ => "bin",
        };
        let relative = format!("{}/{}.{ext}", self.kind.folder(), uuid::Uuid::new_v4().simple());
        let target = self.root.join(&relative);
        let temp = self.temp.take().expect("not yet persisted");
        let moved = async {
            tokio::fs::create_dir_all(target.parent().expect("has a folder")).await?;
            tokio::fs::rename(&temp, &target).await
        }
        .await;
        if let Err(e) = moved {
            let _ = tokio::fs::remove_file(&temp).await;
            if no_room(&e) {
                disk_full();
                return Err(AppError::InsufficientStorage);
            }
            return Err(AppError::internal(format!("cannot store upload: {e}")));
        }
        disk_has_room();
        let (display_name, size) = (std::mem::take(&mut self.display_name), self.size as i64);
        Ok(StoredFile { name: relative, display_name, size, text, root: self.root.clone() })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// A file in its final place, as the row that names it records it.
#[derive(Debug)]
pub struct StoredFile {
    /// Relative to `UPLOAD_DIR` (`resumes/<uuid>.pdf`).
    pub name: String,
    /// The client's file name, for display only.
    pub display_name: String,
    pub size: i64,
    /// A PDF's text, for search ("" for a picture or an unreadable PDF).
    pub text: String,
    root: PathBuf,
}

impl StoredFile {
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.name)
    }
}

/// What the row written for a stored file did: it names the file, and may
/// name no longer a file it `replaced` (removed once the row is committed).
pub struct Recorded<T> {
    pub value: T,
    pub replaced: Option<String>,
}

impl<T> From<T> for Recorded<T> {
    fn from(value: T) -> Self {
        Recorded { value, replaced: None }
    }
}

/// Stores a checked upload and writes the row that names it: reads a PDF's
/// text for search (`uploader`'s turn, see `pdf_text`), moves the file into
/// place, and runs `record` in one database call. The file is removed again
/// unless `record` answers `Ok(Ok(_))`; a file it replaced goes after the
/// commit. All of it runs to completion even if the client goes away, so no
/// file outlives a refused or failed row, and no replaced file stays.
pub async fn store<T, R>(
    db: &Db,
    upload: Upload,
    uploader: i64,
    record: impl FnOnce(&mut AnyConnection, &StoredFile) -> Result<Result<Recorded<T>, R>, AppError> + Send + 'static,
) -> Result<Result<T, R>, AppError>
where
    T: Send + 'static,
    R: Send + 'static,
{
    let db = db.clone();
    run_to_completion(async move {
        let text = match upload.kind {
            FileKind::Pdf => super::pdf_text(upload.temp_path().to_path_buf(), uploader).await,
            FileKind::Image => String::new(),
        };
        let stored = Arc::new(upload.persist(text).await?);
        let root = stored.root.clone();
        let row = stored.clone();
        let recorded = db.run(move |c| record(c, &row)).await;
        match recorded {
            Ok(Ok(Recorded { value, replaced })) => {
                if let Some(old) = replaced {
                    remove_stored(&root, &old).await;
                }
                Ok(Ok(value))
            }
            refused => {
                let _ = tokio::fs::remove_file(stored.path()).await;
                refused.map(|r| r.map(|recorded| recorded.value))
            }
        }
    })
    .await
}

fn image_mime(head: &[u8]) -> Option<&'static str> {
    match infer::get(head)?.mime_type() {
        m @ ("image/png" | "image/jpeg" | "image/webp") => Some(m),
        _ => None,
    }
}

/// Whether an I/O error means the disk (or the quota) is full.
pub(super) fn no_room(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// Whether the last upload found the disk full (logged once until one fits).
static DISK_FULL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The disk is full: an operator's error, logged once for the whole outage.
pub(super) fn disk_full() {
    if !DISK_FULL.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::error!("the upload disk is full: uploads are refused (507) until there is room");
    }
}

fn disk_has_room() {
    if DISK_FULL.swap(false, std::sync::atomic::Ordering::Relaxed) {
        tracing::info!("the upload disk has room again: uploads are stored");
    }
}

/// Bytes free for uploads on the disk of `dir` (or of its nearest existing
/// parent, before the first upload made it), for `/healthz`.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let existing = dir.ancestors().find(|p| p.exists())?;
    let path = std::ffi::CString::new(existing.as_os_str().as_bytes()).ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a NUL-terminated path and a zeroed struct the call fills in.
    if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
        return None;
    }
    Some(stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// Runs `work` to its end even if the client goes away: actix drops a
/// handler's future when the connection closes, and a future dropped between
/// storing a file and recording it would leave a file no row names.
pub async fn run_to_completion<T, F>(work: F) -> Result<T, AppError>
where
    F: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(work).await.map_err(AppError::internal)?
}

/// Removes a stored file once the row that named it is gone (after commit).
pub async fn remove_stored(upload_dir: &Path, stored_name: &str) {
    match stored_path(upload_dir, stored_name) {
        Some(path) => {
            if let Err(e) = tokio::fs::remove_file(&path).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(error = %e, file = stored_name, "cannot remove a stored file");
            }
        }
        None => tracing::warn!(file = stored_name, "refused to remove a file outside UPLOAD_DIR"),
    }
}

/// Temporary files untouched for this long belong to no upload in flight
/// (an upload writes every chunk it receives).
const ABANDONED_AFTER: Duration = Duration::from_secs(15 * 60);

/// Removes temporary files a crash may have left (at start-up and then every
/// few minutes). Only abandoned files go: with several instances sharing
/// `UPLOAD_DIR`, the others' uploads in flight stay. Returns how many went.
pub fn clean_temporary(upload_dir: &Path) -> usize {
    let mut removed = 0;
    if let Ok(entries) = std::fs::read_dir(upload_dir.join("tmp")) {
        for entry in entries.flatten() {
            let abandoned = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| t.elapsed().unwrap_or_default() >= ABANDONED_AFTER)
                .unwrap_or(true);
            if abandoned && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// The background sweep of abandoned temporary files.
pub fn spawn_temporary_sweeper(upload_dir: PathBuf) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            every.tick().await;
            let dir = upload_dir.clone();
            if let Ok(n @ 1..) = tokio::task::spawn_blocking(move || clean_temporary(&dir)).await {
                tracing::info!(removed = n, "abandoned temporary uploads removed");
            }
        }
    });
}

/// Resolves a stored name (as kept in the database) to its path, refusing
/// anything that could leave `UPLOAD_DIR`.
pub fn stored_path(upload_dir: &Path, stored_name: &str) -> Option<PathBuf> {
    let ok = !stored_name.is_empty()
        && !stored_name.starts_with('/')
        && stored_name.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && !stored_name.contains('\\');
    ok.then(|| upload_dir.join(stored_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_paths_stay_inside_the_upload_dir() {
        let root = Path::new("/srv/up");
        assert_eq!(stored_path(root, "resumes/a.pdf"), Some(root.join("resumes/a.pdf")));
        for bad in ["../x", "/etc/passwd", "resumes/../../x", "", "a//b", "a\\b"] {
            assert_eq!(stored_path(root, bad), None, "{bad:?}");
        }
    }
}

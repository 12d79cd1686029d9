//! Where uploads live. Every upload is streamed to a temporary file in
//! `UPLOAD_DIR/tmp` (same filesystem), counted while it streams and cut at the
//! limit, checked by its first bytes, and only then renamed into place under a
//! generated name. The client's file name is kept as display text only.
//! A broken or refused upload leaves nothing behind: temporary files are
//! removed when dropped, and any left by a crash are removed at start-up.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use actix_multipart::Multipart;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::config::Settings;
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

/// The file fields a form accepts, with their kind and size limit, and
/// where uploads go (`UPLOAD_DIR`).
pub struct UploadSpec {
    pub files: Vec<(&'static str, FileKind, u64)>,
    /// Limit for each text field and for all of them together.
    pub max_text_bytes: usize,
    pub upload_dir: PathBuf,
    /// The whole body must have arrived by then (`UPLOAD_DEADLINE_SECS`).
    pub deadline: std::time::Duration,
}

impl UploadSpec {
    /// One PDF field named `field`, limited by `MAX_UPLOAD_BYTES`.
    pub fn pdf(field: &'static str, settings: &Settings) -> Self {
        UploadSpec {
            files: vec![(field, FileKind::Pdf, settings.max_upload_bytes)],
            max_text_bytes: 256 * 1024,
            upload_dir: settings.upload_dir.clone(),
            deadline: settings.upload_deadline,
        }
    }

    /// One image field named `field`, limited by `MAX_IMAGE_BYTES`.
    pub fn image(field: &'static str, settings: &Settings) -> Self {
        UploadSpec {
            files: vec![(field, FileKind::Image, settings.max_image_bytes)],
            max_text_bytes: 64 * 1024,
            upload_dir: settings.upload_dir.clone(),
            deadline: settings.upload_deadline,
        }
    }
}

/// A file received whole, still in its temporary place (or, when the disk
/// was full, received and dropped: `check` says so).
pub struct Upload {
    temp: Option<PathBuf>,
    /// The disk had no room for it: nothing of it is kept.
    no_room: bool,
    pub size: u64,
    /// The client's file name, sanitised: for display only.
    pub display_name: String,
    pub kind: FileKind,
    head: Vec<u8>,
    root: PathBuf,
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
    pub fn mime(&self) -> &'static str {
        match self.kind {
            FileKind::Pdf => "application/pdf",
            FileKind::Image => image_mime(&self.head).unwrap_or("application/octet-stream"),
        }
    }

    pub fn temp_path(&self) -> &Path {
        self.temp.as_deref().expect("not yet persisted")
    }

    /// Moves the (checked) file into place under a generated name and returns
    /// that name, relative to `UPLOAD_DIR` (`resumes/<uuid>.pdf`).
    pub async fn persist(mut self) -> Result<StoredFile, AppError> {
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
        Ok(StoredFile { name: relative, root: self.root.clone() })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// A file in its final place. If the database refuses the row that names it,
/// call `discard` so no orphan file stays.
#[derive(Debug)]
pub struct StoredFile {
    pub name: String,
    root: PathBuf,
}

impl StoredFile {
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.name)
    }

    pub async fn discard(self) {
        let _ = tokio::fs::remove_file(self.path()).await;
    }
}

fn image_mime(head: &[u8]) -> Option<&'static str> {
    match infer::get(head)?.mime_type() {
        m @ ("image/png" | "image/jpeg" | "image/webp") => Some(m),
        _ => None,
    }
}

/// A multipart form read whole: text fields and the received files.
pub struct MultipartForm {
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Upload>,
}

impl MultipartForm {
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// A field's value, or None when the form did not send it at all.
    pub fn sent(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The file of a field, if one was chosen (an empty file input sends no file).
    pub fn take_file(&mut self, name: &str) -> Option<Upload> {
        self.files.remove(name)
    }
}

/// Whether an I/O error means the disk (or the quota) is full.
fn no_room(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// Whether the last upload found the disk full (logged once until one fits).
static DISK_FULL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The disk is full: an operator's error, logged once for the whole outage.
fn disk_full() {
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

/// Reads a multipart form: files stream to temporary files (413 past their
/// limit), text fields are bounded. `check_text(name, value)` sees each text
/// field as it arrives, before any later part is read: its error ends the
/// read, and every temporary file goes with it (the HTTP layer checks the
/// form's token there: `auth::csrf::read_multipart`).
pub async fn read_multipart(
    payload: Multipart,
    spec: &UploadSpec,
    check_text: impl FnMut(&str, &str) -> Result<(), AppError>,
) -> Result<MultipartForm, AppError> {
    // Past the deadline the read is dropped, and its temporary files with it.
    tokio::time::timeout(spec.deadline, read_parts(payload, spec, check_text))
        .await
        .unwrap_or(Err(AppError::RequestTimeout))
}

async fn read_parts(
    mut payload: Multipart,
    spec: &UploadSpec,
    mut check_text: impl FnMut(&str, &str) -> Result<(), AppError>,
) -> Result<MultipartForm, AppError> {
    let root = spec.upload_dir.clone();
    let tmp_dir = root.join("tmp");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(|e| if no_room(&e) { AppError::InsufficientStorage } else { AppError::internal(e) })?;
    let mut form = MultipartForm { fields: HashMap::new(), files: HashMap::new() };
    let mut text_total = 0usize;
    let malformed = || AppError::Unprocessable("the upload was incomplete or malformed".into());

    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| malformed())?;
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_string);
        match (spec.files.iter().find(|(n, _, _)| *n == name), file_name) {
            (Some(&(_, kind, limit)), Some(file_name)) => {
                if form.files.contains_key(&name) {
                    return Err(AppError::Unprocessable(format!("more than one file in {name}")));
                }
                let temp = tmp_dir.join(format!("{}.part", uuid::Uuid::new_v4().simple()));
                let mut upload = Upload {
                    temp: Some(temp.clone()),
                    no_room: false,
                    size: 0,
                    display_name: sanitize_file_name(&file_name, kind),
                    kind,
                    head: Vec::new(),
                    root: root.clone(),
                };
                // A full disk refuses the file, not the form: the rest is
                // read (and this file's bytes dropped) so the page can keep
                // what was typed and say to try later.
                let mut out = match tokio::fs::File::create(&temp).await {
                    Ok(out) => Some(out),
                    Err(e) if no_room(&e) => None,
                    Err(e) => return Err(AppError::internal(e)),
                };
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| malformed())?;
                    upload.size += chunk.len() as u64;
                    if upload.size > limit {
                        return Err(AppError::PayloadTooLarge);
                    }
                    if upload.head.len() < 32 {
                        let take = (32 - upload.head.len()).min(chunk.len());
                        upload.head.extend_from_slice(&chunk[..take]);
                    }
                    if let Some(file) = out.as_mut() {
                        match file.write_all(&chunk).await {
                            Ok(()) => {}
                            Err(e) if no_room(&e) => out = None,
                            Err(e) => return Err(AppError::internal(e)),
                        }
                    }
                }
                let written = match out.as_mut() {
                    Some(file) => match file.flush().await.and(file.sync_all().await) {
                        Ok(()) => true,
                        Err(e) if no_room(&e) => false,
                        Err(e) => return Err(AppError::internal(e)),
                    },
                    None => false,
                };
                if !written {
                    drop(out);
                    let _ = tokio::fs::remove_file(&temp).await;
                    upload.temp = None;
                    upload.no_room = true;
                    disk_full();
                }
                // A file input left empty sends a part with no name and no bytes.
                if !(upload.size == 0 && file_name.is_empty()) {
                    form.files.insert(name, upload);
                }
            }
            (None, Some(_)) => {
                // A file where none is expected is drained and dropped.
                while let Some(chunk) = field.next().await {
                    chunk.map_err(|_| malformed())?;
                }
            }
            (_, None) => {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| malformed())?;
                    text_total += chunk.len();
                    if text_total > spec.max_text_bytes {
                        return Err(AppError::PayloadTooLarge);
                    }
                    value.extend_from_slice(&chunk);
                }
                let value = String::from_utf8_lossy(&value).into_owned();
                if !form.fields.contains_key(&name) {
                    check_text(&name, &value)?;
                }
                form.fields.entry(name).or_insert(value);
            }
        }
    }
    Ok(form)
}

/// Runs the "store the file, then record it" steps of an upload to their end
/// even if the client goes away: actix drops a handler's future when the
/// connection closes, and a future dropped between `persist` and the end of
/// the transaction would leave a file without its row (or skip `discard`).
pub async fn detached<T, F>(work: F) -> Result<T, AppError>
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

/// The client's name as harmless display text: no folders, no control
/// characters, at most 120 characters.
pub fn sanitize_file_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_string();
    if clean.is_empty() {
        match kind {
            FileKind::Pdf => "resume.pdf".into(),
            FileKind::Image => "picture".into(),
        }
    } else {
        clean
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

/// Longest text kept per resume (characters).
const MAX_TEXT_CHARS: usize = 200_000;
/// The argument that makes the `jobconnect` binary extract one PDF's text.
pub const PDF_TEXT_COMMAND: &str = "pdf-text";
/// Written before the text, so anything a parser prints first is not taken as text.
const TEXT_MARKER: &str = "\n--jobconnect-pdf-text--\n";

/// Longest wait of one user's upload for that user's earlier extraction.
const TEXT_QUEUE_WAIT: Duration = Duration::from_secs(30);

/// The plain text of a PDF, for search. An unreadable PDF gives "" (still accepted).
///
/// The parsing happens in a child process (`jobconnect pdf-text FILE`) with a
/// memory and time limit: a PDF parser loads the whole document, may expand
/// compressed streams many times over and may recurse deeply, and none of
/// that should cost the server its memory or its life. Without the binary
/// (an unusual install) it runs in this process.
///
/// One extraction per `uploader` at a time: a user who sends many PDFs at
/// once waits behind their own (and past `TEXT_QUEUE_WAIT` their file is kept
/// without text), so they hold at most one of the server's slots and other
/// users keep the rest.
pub async fn pdf_text(path: PathBuf, uploader: i64) -> String {
    let Some(_turn) = UploaderTurn::wait(uploader).await else {
        tracing::warn!(uploader, "resume text skipped: this user's earlier PDFs are still being read");
        return String::new();
    };
    match text_helper() {
        Some(exe) => match pdf_text_in_child(exe, &path).await {
            Ok(text) => text,
            Err(e) => {
                tracing::warn!(error = %e, "resume text could not be extracted; stored without text");
                String::new()
            }
        },
        None => {
            tokio::task::spawn_blocking(move || extract_normalised(&path).unwrap_or_default()).await.unwrap_or_default()
        }
    }
}

/// A user's turn to have a PDF read; the next of their uploads waits for it.
struct UploaderTurn {
    uploader: i64,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

type Turns = std::sync::Mutex<std::collections::HashMap<i64, std::sync::Arc<tokio::sync::Mutex<()>>>>;

fn turns() -> &'static Turns {
    static TURNS: std::sync::OnceLock<Turns> = std::sync::OnceLock::new();
    TURNS.get_or_init(Default::default)
}

impl UploaderTurn {
    async fn wait(uploader: i64) -> Option<UploaderTurn> {
        let lock = turns().lock().unwrap_or_else(|e| e.into_inner()).entry(uploader).or_default().clone();
        let guard = tokio::time::timeout(TEXT_QUEUE_WAIT, lock.lock_owned()).await.ok()?;
        Some(UploaderTurn { uploader, _guard: guard })
    }
}

impl Drop for UploaderTurn {
    fn drop(&mut self) {
        // Forget users with nothing in flight (the map holds one reference, this turn's guard another).
        let mut map = turns().lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&self.uploader).is_some_and(|lock| std::sync::Arc::strong_count(lock) <= 2) {
            map.remove(&self.uploader);
        }
    }
}

/// The `jobconnect` binary: this process, or (in the test harness, which
/// runs from `target/<profile>/deps/`) the one Cargo built beside it.
fn text_helper() -> Option<&'static Path> {
    static EXE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        if exe.file_stem().is_some_and(|s| s.to_string_lossy().starts_with("jobconnect")) {
            return Some(exe);
        }
        let found = exe.ancestors().skip(1).take(2).map(|d| d.join("jobconnect")).find(|p| p.is_file());
        if found.is_none() {
            tracing::warn!("no jobconnect binary found: PDF text is extracted in the server process");
        }
        found
    })
    .as_deref()
}

async fn pdf_text_in_child(exe: &Path, path: &Path) -> anyhow::Result<String> {
    // One child per core at most: a burst of uploads queues instead of forking a crowd.
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
    });
    let _slot = SLOTS.acquire().await?;
    let child = tokio::process::Command::new(exe)
        .arg(PDF_TEXT_COMMAND)
        .arg(path)
        .env("RUST_LOG", "off")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    // On time-out the child is dropped, which kills it.
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.split_once(TEXT_MARKER) {
        Some((_, text)) if output.status.success() => Ok(text.to_string()),
        _ => anyhow::bail!("the PDF could not be read ({})", output.status),
    }
}

fn extract_normalised(path: &Path) -> Option<String> {
    let text = std::panic::catch_unwind(|| pdf_extract::extract_text(path)).ok()?.ok()?;
    // Words joined by single spaces, cut at MAX_TEXT_CHARS.
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        for c in word.chars() {
            if chars >= MAX_TEXT_CHARS {
                return Some(out.trim_end().to_string());
            }
            out.push(c);
            chars += 1;
        }
    }
    Some(out)
}

/// The child side of `pdf_text`: `jobconnect pdf-text FILE` prints the text
/// after a marker and exits 0, or exits 1 when the PDF cannot be read.
pub fn pdf_text_command(path: &Path) -> i32 {
    #[cfg(unix)]
    {
        // At most 1 GiB of address space and 20 s of CPU: a hostile PDF kills only this child.
        let limit = |resource, value| {
            let lim = libc::rlimit { rlim_cur: value, rlim_max: value };
            // SAFETY: setrlimit only reads the struct we pass.
            unsafe { libc::setrlimit(resource, &lim) };
        };
        limit(libc::RLIMIT_AS, 1 << 30);
        limit(libc::RLIMIT_CPU, 20);
    }
    match extract_normalised(path) {
        Some(text) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let written = out.write_all(TEXT_MARKER.as_bytes()).and_then(|_| out.write_all(text.as_bytes()));
            if written.and_then(|_| out.flush()).is_ok() { 0 } else { 1 }
        }
        None => 1,
    }
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
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test]
    async fn one_users_pdfs_wait_for_each_other_and_for_no_one_else() {
        let (ann, bob) = (-101, -102);
        let first = UploaderTurn::wait(ann).await.expect("a free turn");
        let second = tokio::spawn(UploaderTurn::wait(ann));
        // Bob is not behind Ann: his turn is ready at the first look.
        let bobs = UploaderTurn::wait(bob).now_or_never().flatten().expect("bob's turn at once");
        drop(bobs);
        assert!(!second.is_finished(), "ann's second PDF waits for her first");
        drop(first);
        let second = second.await.unwrap().expect("then it is her turn");
        drop(second);
        let map = turns().lock().unwrap();
        assert!(!map.contains_key(&ann) && !map.contains_key(&bob), "users with nothing in flight are forgotten");
    }

    #[test]
    fn file_names_are_display_text_only() {
        assert_eq!(sanitize_file_name("../../etc/passwd.pdf", FileKind::Pdf), "passwd.pdf");
        assert_eq!(sanitize_file_name("..\\x.pdf", FileKind::Pdf), "x.pdf");
        assert_eq!(sanitize_file_name("cv\0\r\n.pdf", FileKind::Pdf), "cv.pdf");
        assert_eq!(sanitize_file_name("..", FileKind::Pdf), "resume.pdf");
        assert_eq!(sanitize_file_name("", FileKind::Image), "picture");
    }

    #[test]
    fn stored_paths_stay_inside_the_upload_dir() {
        let root = Path::new("/srv/up");
        assert_eq!(stored_path(root, "resumes/a.pdf"), Some(root.join("resumes/a.pdf")));
        for bad in ["../x", "/etc/passwd", "resumes/../../x", "", "a//b", "a\\b"] {
            assert_eq!(stored_path(root, bad), None, "{bad:?}");
        }
    }
}

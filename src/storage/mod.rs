//! Where uploads live (`UPLOAD_DIR`): forms read with their files
//! (`multipart`), files checked, stored and recorded (`files`), and a PDF's
//! text for search (`pdf_text`).

mod files;
mod multipart;
mod pdf_text;

pub use files::{
    FileKind, Recorded, StoredFile, Upload, UploadProblem, clean_temporary, free_bytes, remove_stored,
    run_to_completion, spawn_temporary_sweeper, store, stored_path,
};
pub use multipart::{MultipartForm, UploadSpec, read_multipart, sanitize_file_name};
pub use pdf_text::{PDF_TEXT_COMMAND, pdf_text, pdf_text_command};

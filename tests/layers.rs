//! The dependency direction of docs/ARCHITECTURE.md, checked on the source:
//! routes and auth (HTTP) → state → actions → services (mail, realtime,
//! storage, background) → db → domain, with config, error and format beneath all.
//! A lower layer naming a higher one (`crate::routes`, `crate::state`, …)
//! fails this test, so the picture stays true.

use std::path::{Path, PathBuf};

/// Each layer's modules (folders or files under `src/`), lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    ("foundation", &["config", "error", "format"]),
    ("domain", &["domain"]),
    ("data", &["db"]),
    ("services", &["mail", "realtime", "storage", "background", "search"]),
    ("actions", &["actions"]),
    ("state", &["state"]),
    ("http", &["auth", "routes"]),
    ("wiring", &["startup", "commands", "seed", "main", "lib"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        if entry.is_dir() {
            rust_files(&entry, out);
        } else if entry.extension().is_some_and(|e| e == "rs" || e == "html" || e == "txt") {
            out.push(entry);
        }
    }
}

/// The module a `crate::x` path names, for every such path in `text`.
fn named_modules(text: &str) -> Vec<String> {
    text.match_indices("crate::")
        .map(|(i, m)| {
            text[i + m.len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>()
        })
        .collect()
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    // E-mail templates are rendered by the mail service: they count as it.
    rust_files(&root.join("templates/mail"), &mut files);
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in &files {
        let relative = file.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let module = match relative.strip_prefix("src/") {
            Some(path) => path.split(['/', '.']).next().unwrap().to_string(),
            None => "mail".to_string(),
        };
        let Some(own) = layer_of(&module) else {
            wrong.push(format!("{relative}: module `{module}` is in no layer of tests/layers.rs"));
            continue;
        };
        seen += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for named in named_modules(&text) {
            let Some(theirs) = layer_of(&named) else { continue };
            // Within a layer modules may use each other (background starts the other services).
            if theirs > own {
                wrong.push(format!(
                    "{relative}: `{module}` ({}) names `crate::{named}` ({})",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(seen > 50, "the source was found ({seen} files)");
    assert!(wrong.is_empty(), "imports against the layer order:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import() {
    // The test above must be able to fail: a db file naming routes would.
    assert_eq!(named_modules("use crate::routes::format; crate::db::now()"), ["routes", "db"]);
    assert!(layer_of("routes") > layer_of("db"));
    assert!(layer_of("state") > layer_of("mail") && layer_of("mail") > layer_of("db"));
}

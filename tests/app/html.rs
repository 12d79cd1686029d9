//! Every page of the tour (tour.rs) is valid HTML: the Nu HTML Checker
//! (vnu.jar, from the npm package vnu-jar, on Java) reads them all in one
//! run and must report no error. Outside CI a missing Java or vnu.jar says
//! "not run"; in CI (`CI=true`) it is a failure (.ci/run installs both).

use std::path::PathBuf;
use std::process::Command;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(every_page_is_valid_html);

/// `VNU_JAR`, or where .ci/run's `npm install vnu-jar` puts it.
fn vnu_jar() -> Option<PathBuf> {
    let jar = std::env::var_os("VNU_JAR").map(PathBuf::from).or_else(|| {
        let home = std::env::var_os("HOME")?;
        Some(PathBuf::from(home).join(".cache/jobconnect-tools/node_modules/vnu-jar/build/dist/vnu.jar"))
    })?;
    let java = Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    (jar.is_file() && java).then_some(jar)
}

async fn every_page_is_valid_html(app: &TestApp) {
    let Some(jar) = vnu_jar() else {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("CI requires Java and vnu.jar (VNU_JAR, or ~/.cache/jobconnect-tools: npm install vnu-jar)");
        }
        eprintln!("HTML validation: not run (install Java and `npm install vnu-jar`, see docs/DEVELOPING.md)");
        return;
    };
    let tour = crate::tour::set_up(app).await;
    assert!(tour.missing().is_empty(), "pages missing from the tour: {:?}", tour.missing());
    let dir = tempfile::tempdir().unwrap();
    let mut pages = Vec::new();
    for (who, user, stops) in &tour.stops {
        let visitor = app.client();
        let client = user.map(|u| &tour.user(u).client).unwrap_or(&visitor);
        for (_, path) in stops {
            let resp = client.get(path).await;
            let status = resp.status.as_u16();
            assert!(status == 200 || (status == 404 && path.contains("not-a-token")), "{who} {path}: {status}");
            let file = dir.path().join(format!("{:03}.html", pages.len()));
            std::fs::write(&file, &resp.body).unwrap();
            pages.push(format!("{who} {path}"));
        }
    }
    let output = tokio::task::spawn_blocking(move || {
        let dir = dir; // kept until the checker is done
        Command::new("java")
            .args(["-Xss16m", "-jar"])
            .arg(&jar)
            .args(["--errors-only", "--format", "json", "--skip-non-html"])
            .arg(dir.path())
            .output()
            .expect("java runs")
    })
    .await
    .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stderr)
        .unwrap_or_else(|_| panic!("vnu's JSON report: {}", String::from_utf8_lossy(&output.stderr)));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let file = m["url"].as_str().unwrap_or_default();
            let n: usize = file.rsplit('/').next().and_then(|f| f.get(..3)).and_then(|n| n.parse().ok()).unwrap_or(0);
            format!(
                "{} (line {}): {}\n    {}",
                pages[n],
                m["lastLine"],
                m["message"],
                m["extract"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert!(errors.is_empty(), "{} HTML errors:\n{}", errors.len(), errors.join("\n"));
}

//! What every upload shares (`storage::store`): a file is kept only with
//! the row that names it, whatever happens to the request.

use crate::both_backends;
use crate::helpers::{TestApp, TestUser, cookie_header, csrf_from, wait_for};
use crate::seekers::{files_in, png};

/// The stored name a row holds (`query` answers one nullable text).
async fn named(app: &TestApp, query: String) -> Option<String> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{Nullable, Text};
    app.db.run(move |c| diesel::dsl::sql::<Nullable<Text>>(&query).get_result::<Option<String>>(c)).await.unwrap()
}

/// Replaces a picture (`field` at `path`; `query` reads its row in
/// `table`), sent by hand, and resets the connection while the app waits to
/// record it (a reset, unlike a closed half, makes actix drop the request):
/// the new picture is recorded to the end and the old one removed, so the
/// one picture left is the one the row names.
async fn replace_and_go_away(app: &TestApp, who: &TestUser, path: &str, field: &str, table: &'static str, query: &str) {
    use tokio::io::AsyncWriteExt;
    let (http, jar) = app.log_in_with_jar(who).await;
    let form = |name: &'static str| reqwest::multipart::Form::new().part(field.to_string(), picture(name));
    let page = http.get(app.url("/profile")).send().await.unwrap().text().await.unwrap();
    let token = csrf_from(&page).expect("a form token");
    let first = http.post(app.url(path)).multipart(form("first.png").text("csrf_token", token.clone()));
    assert_eq!(first.send().await.unwrap().status(), 303);
    let first = named(app, query.to_string()).await.expect("the first picture is recorded");
    assert_eq!(files_in(app, "images"), [first.trim_start_matches("images/")]);

    let held = app.hold_writes(table).await;
    let boundary = "b0und4ry";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n");
    body +=
        &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"second.png\"\r\n\r\n");
    let mut body = body.into_bytes();
    body.extend_from_slice(&png());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        app.address.trim_start_matches("http://"),
        cookie_header(app, &jar),
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    // Once it is stored, the app waits for the lock to record it.
    wait_for("the second picture stored", || async { (files_in(app, "images").len() == 2).then_some(()) }).await;
    // A zero linger makes the close a reset, at once (deprecated for the
    // wait a non-zero one means on drop).
    #[allow(deprecated)]
    stream.set_linger(Some(std::time::Duration::ZERO)).unwrap();
    drop(stream);
    drop(held);
    wait_for("one picture left, the one recorded", || async {
        let recorded = named(app, query.to_string()).await?;
        (files_in(app, "images") == [recorded.trim_start_matches("images/")] && recorded != first).then_some(())
    })
    .await;
}

fn picture(name: &'static str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(png()).file_name(name)
}

async fn a_replaced_picture_is_recorded_to_the_end_when_the_client_goes_away(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let logo = format!("SELECT logo_path FROM companies WHERE id = {acme}");
    replace_and_go_away(app, &bob, "/employer/company/logo", "logo", "companies", &logo).await;
    std::fs::remove_dir_all(app.settings.upload_dir.join("images")).unwrap();
    let ann = app.seeker("ann").await;
    let avatar = format!("SELECT avatar_path FROM users WHERE id = {}", ann.id);
    replace_and_go_away(app, &ann, "/profile/avatar", "avatar", "users", &avatar).await;
}

both_backends!(a_replaced_picture_is_recorded_to_the_end_when_the_client_goes_away);

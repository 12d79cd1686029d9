#!/usr/bin/env python3
"""That several JobConnect instances are one site (run by bench/scaleout.sh).

1. Sessions: logged in through instance A, the same cookie works on B and C
   (and through nginx); logging out through C ends it on A too.
2. Live events cross instances: a seeker's socket is open on instance C; the
   employer sends a message through instance A; the frame must reach C.
3. E-mail exactly once: MAILS e-mails queued in the outbox at once are sent
   by the three instances' workers; each reaches the SMTP server once.
4. Search index lag: a job closed and reopened through instance A (its
   employer's buttons); how long until each instance's search stops and
   starts finding it again (target: under 1 s everywhere).

Prints one line per check and exits non-zero when one fails.
"""
import argparse
import concurrent.futures
import json
import mailbox
import re
import subprocess
import sys
import time
import uuid

import requests
import websocket

DEADLINE = 120


def token_of(html):
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def log_in(base, login, password):
    session = requests.Session()
    token = token_of(session.get(f"{base}/login").text)
    answer = session.post(f"{base}/login", data={"login": login, "password": password, "csrf_token": token},
                          allow_redirects=False)
    assert answer.status_code == 303, f"log-in of {login} through {base}: {answer.status_code}"
    return session


def wait_for(what, check):
    give_up = time.monotonic() + DEADLINE
    pause = 0.01
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def check_sessions(args):
    a, b, c = args.instances
    employer = log_in(a, args.employer, args.employer_password)
    for base in (b, c, args.site):
        page = employer.get(f"{base}/applicants", allow_redirects=False)
        assert page.status_code == 200 and "Applicants" in page.text, f"the session on {base}: {page.status_code}"
    token = token_of(employer.get(f"{c}/").text)
    assert employer.post(f"{c}/logout", data={"csrf_token": token}, allow_redirects=False).status_code == 303
    after = employer.get(f"{a}/applicants", allow_redirects=False)
    assert after.status_code == 303 and "/login" in after.headers["location"], "log-out on C ends the session on A"
    print("sessions: made on A, valid on B, C and through nginx; a log-out on C ended it on A: ok")


def check_live_events(args):
    a, _, c = args.instances
    seeker = log_in(c, args.seeker, args.seeker_password)
    cookie = "; ".join(f"{k}={v}" for k, v in seeker.cookies.items())
    socket = websocket.create_connection(c.replace("http", "ws", 1) + "/ws", header=[f"Cookie: {cookie}"],
                                         origin=args.site, timeout=DEADLINE)
    frames = []

    def next_frame():
        frame = json.loads(socket.recv())
        frames.append(frame)
        return frame

    while next_frame()["type"] != "ready":
        pass
    employer = log_in(a, args.employer, args.employer_password)
    body = f"Scale-out check {uuid.uuid4().hex[:8]}"
    token = token_of(employer.get(f"{a}/applicants/{args.applicant}/messages").text)
    started = time.monotonic()
    sent = employer.post(f"{a}/applicants/{args.applicant}/messages", data={"body": body, "csrf_token": token},
                         allow_redirects=False)
    assert sent.status_code == 303, f"sending through A: {sent.status_code}"
    while True:
        frame = next_frame()
        if frame.get("type") == "message" and frame.get("body") == body:
            break
    took = (time.monotonic() - started) * 1000
    socket.close()
    print(f"live events: a message sent through A reached the socket on C in {took:.0f} ms "
          f"(from the POST to the frame): ok")


def check_mail_once(args):
    subject = f"scaleout-{uuid.uuid4().hex[:8]}"
    sql = (
        "INSERT INTO outbox (recipient, recipient_name, subject, body_text, state, attempts, next_attempt_at, created_at) "
        f"SELECT 'reader' || n || '@example.com', '', '{subject} ' || n, 'Hello', 'queued', 0, "
        f"now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc' FROM generate_series(1, {args.mails}) n"
    )
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", args.database, "-c", sql], check=True)
    started = time.monotonic()

    def sent_count():
        out = subprocess.run(["psql", "-X", "-q", "-t", "-A", args.database, "-c",
                              f"SELECT count(*) FROM outbox WHERE subject LIKE '{subject} %' AND state = 'sent'"],
                             check=True, capture_output=True, text=True).stdout.strip()
        return int(out) == args.mails

    wait_for(f"{args.mails} e-mails marked sent", sent_count)
    took = time.monotonic() - started

    def delivered():
        subjects = [m["subject"] for m in mailbox.Maildir(args.maildir, create=False)
                    if (m["subject"] or "").startswith(subject)]
        return subjects if len(subjects) >= args.mails else None

    subjects = wait_for(f"{args.mails} e-mails at the SMTP server", delivered)
    assert len(subjects) == args.mails, f"{len(subjects)} delivered for {args.mails} queued"
    assert len(set(subjects)) == args.mails, "an e-mail was sent twice"
    print(f"e-mail: {args.mails} queued at once, {len(subjects)} delivered, {len(set(subjects))} distinct, "
          f"by three workers in {took:.1f} s: ok")


def psql(args, sql):
    return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", args.database, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def check_index_lag(args, rounds=10):
    a = args.instances[0]
    employer = log_in(a, args.employer, args.employer_password)
    word = "lagcheck" + uuid.uuid4().hex[:8]
    job = psql(args, f"UPDATE jobs SET title = 'Welder {word}' WHERE id = (SELECT j.id FROM jobs j JOIN users u "
                     f"ON u.company_id = j.company_id WHERE u.username = '{args.employer}' AND j.status = 'open' "
                     f"ORDER BY j.id LIMIT 1) RETURNING id").splitlines()[0]
    polls = requests.Session()

    def found(base):
        return f'id="job-{job}"' in polls.get(f"{base}/jobs", params={"q": word}).text

    wait_for("every instance to find the renamed job", lambda: all(found(b) for b in args.instances))
    lags = {b: [] for b in args.instances}

    def until(base, want, started):
        while found(base) != want:
            if time.monotonic() - started > 10:
                raise AssertionError(f"{base} still {'misses' if want else 'finds'} the job after 10 s")
        return time.monotonic() - started

    with concurrent.futures.ThreadPoolExecutor(len(args.instances)) as pool:
        for _ in range(rounds):
            for action, want in (("close", False), ("reopen", True)):
                token = token_of(employer.get(f"{a}/employer/jobs/{job}/preview").text)
                answer = employer.post(f"{a}/employer/jobs/{job}/{action}", data={"csrf_token": token},
                                       allow_redirects=False)
                assert answer.status_code == 303, f"{action} through A: {answer.status_code}"
                started = time.monotonic()
                waits = {b: pool.submit(until, b, want, started) for b in args.instances}
                for b, w in waits.items():
                    lags[b].append(w.result() * 1000)
    parts = []
    for i, b in enumerate(args.instances):
        ms = sorted(lags[b])
        who = "A (the writer)" if i == 0 else "BC"[i - 1]
        parts.append(f"{who}: median {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms")
    worst = max(max(v) for v in lags.values())
    assert worst < 1000, f"a change took {worst:.0f} ms to reach a search: " + "; ".join(parts)
    print(f"index lag over {2 * rounds} changes through A (close, reopen), until each instance's search "
          f"answers accordingly: " + "; ".join(parts) + ": ok")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True, help="nginx in front (the BASE_URL)")
    ap.add_argument("--instances", nargs=3, required=True, help="A, B and C, each directly")
    ap.add_argument("--employer", required=True)
    ap.add_argument("--employer-password", required=True)
    ap.add_argument("--seeker", required=True)
    ap.add_argument("--seeker-password", required=True)
    ap.add_argument("--applicant", required=True, help="the seeker's application to the employer's company")
    ap.add_argument("--database", required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--mails", type=int, default=300)
    args = ap.parse_args()
    failed = False
    for check in (check_sessions, check_live_events, check_mail_once, check_index_lag):
        try:
            check(args)
        except Exception as e:  # report every check, then fail
            print(f"{check.__name__}: FAILED: {e}")
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

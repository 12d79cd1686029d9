#!/usr/bin/env bash
# Outbox drain rate: queue N e-mails, start a local SMTP server (aiosmtpd) and
# a release build of JobConnect, and measure how fast the outbox worker sends
# them all. Everything stays on 127.0.0.1 and is bounded in count and time.
#
#   bench/outbox.sh                      # 5,000 e-mails on SQLite
#   N=5000 BACKEND=postgres bench/outbox.sh
#   MAIL_CONCURRENCY=16 MAIL_BATCH_SIZE=200 bench/outbox.sh
#   BIN=target/release/jobconnect bench/outbox.sh   # an existing build
#   TRANSPORT=file bench/outbox.sh       # .eml files instead of SMTP: the worker's own ceiling
#
# Needs python3 with aiosmtpd, sqlite3 (SQLite) or psql (PostgreSQL at
# $BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-5000}
BACKEND=${BACKEND:-sqlite}
SMTP_PORT=${SMTP_PORT:-2626}
HTTP_PORT=${HTTP_PORT:-18104}
LIMIT_SECS=${LIMIT_SECS:-300}
TRANSPORT=${TRANSPORT:-smtp}
export MAIL_CONCURRENCY=${MAIL_CONCURRENCY:-8}
export MAIL_BATCH_SIZE=${MAIL_BATCH_SIZE:-100}
PG_ADMIN=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/jobconnect-target}

if [ -z "${BIN:-}" ]; then
  echo "== building (release)"
  cargo build --release --quiet
  BIN="$CARGO_TARGET_DIR/release/jobconnect"
fi

WORK=$(mktemp -d)
# aiosmtpd's Maildir fsyncs every message, synchronously in its event loop: on
# a disk that caps it near 1/fsync-latency (about 100/s here). The bench measures
# JobConnect, not that disk, so the Maildir lives in memory when it can.
# MAILDIR_ROOT=/tmp (say) measures with the Maildir on disk instead.
MAILDIR_PARENT=${MAILDIR_ROOT:-$( [ -d /dev/shm ] && echo /dev/shm || echo "$WORK")}
MAILDIR_ROOT=$(mktemp -d "$MAILDIR_PARENT/jc-outbox-bench.XXXXXX")
SMTP_PID=""
APP_PID=""
PG_DB=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  [ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null || true
  [ -n "$PG_DB" ] && psql "$PG_ADMIN" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null || true
  rm -rf "$WORK"
  rm -rf "$MAILDIR_ROOT"
}
trap cleanup EXIT

case "$BACKEND" in
  sqlite)
    export DATABASE_URL="sqlite://$WORK/bench.db"
    sql() { sqlite3 "$WORK/bench.db" "$1"; }
    NOW="strftime('%Y-%m-%d %H:%M:%f', 'now')"
    SERIES="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)"
    FROM="FROM n"
    SPAN="SELECT (julianday(max(sent_at)) - julianday(min(sent_at))) * 86400.0 FROM outbox"
    ;;
  postgres)
    PG_DB="jc_bench_$$"
    psql "$PG_ADMIN" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
    export DATABASE_URL="${PG_ADMIN%/*}/$PG_DB"
    sql() { psql "$DATABASE_URL" -qAtc "$1"; }
    NOW="(now() AT TIME ZONE 'utc')"
    SERIES=""
    FROM="FROM generate_series(1, $N) AS i"
    SPAN="SELECT extract(epoch FROM max(sent_at) - min(sent_at)) FROM outbox"
    ;;
  *) echo "BACKEND is sqlite or postgres" >&2; exit 2 ;;
esac

echo "== $BACKEND: migrating and queuing $N e-mails"
DATA_DIR="$WORK" "$BIN" migrate >/dev/null 2>&1
sql "$SERIES INSERT INTO outbox (recipient, recipient_name, subject, body_text, state, attempts, next_attempt_at, created_at)
     SELECT 'user' || i || '@example.com', 'User ' || i, 'Benchmark e-mail ' || i,
            'Hello, this is e-mail number ' || i || ' of the outbox benchmark.', 'queued', 0, $NOW, $NOW $FROM"
[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")" = "$N" ] || { echo "queuing failed" >&2; exit 1; }

if [ "$TRANSPORT" = smtp ]; then
  echo "== SMTP server on 127.0.0.1:$SMTP_PORT"
  python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAILDIR_ROOT/maildir" &
  SMTP_PID=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break; sleep 0.1; done
  export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
  DELIVERED="$MAILDIR_ROOT/maildir/new"
  WHERE="aiosmtpd, Maildir under $MAILDIR_PARENT"
else
  unset SMTP_URL
  export MAIL_DIR="$WORK/eml"
  DELIVERED="$MAIL_DIR"
  WHERE=".eml files under $WORK"
fi

echo "== draining to $TRANSPORT (MAIL_CONCURRENCY=$MAIL_CONCURRENCY MAIL_BATCH_SIZE=$MAIL_BATCH_SIZE)"
START=$(date +%s.%N)
DATA_DIR="$WORK" BIND="127.0.0.1:$HTTP_PORT" RUST_LOG=warn "$BIN" serve >"$WORK/app.log" 2>&1 &
APP_PID=$!
while :; do
  SENT=$(sql "SELECT count(*) FROM outbox WHERE state = 'sent'")
  [ "$SENT" -ge "$N" ] && break
  if [ "$(echo "$(date +%s.%N) - $START > $LIMIT_SECS" | bc)" = 1 ]; then
    echo "gave up after ${LIMIT_SECS}s with $SENT of $N sent" >&2; tail -5 "$WORK/app.log" >&2; exit 1
  fi
  sleep 0.2
done
END=$(date +%s.%N)

WALL=$(echo "$END - $START" | bc -l)
SPAN_SECS=$(sql "$SPAN")
RECEIVED=$(ls "$DELIVERED" | wc -l)
UNIQUE=$(cat "$DELIVERED"/* | grep -i '^Message-ID:' | sort -u | wc -l)
FAILED=$(sql "SELECT count(*) FROM outbox WHERE state <> 'sent'")
printf '== %s e-mails, %s backend, %s transport (%s), MAIL_CONCURRENCY=%s, %s cores, load average %s\n' \
  "$N" "$BACKEND" "$TRANSPORT" "$WHERE" "$MAIL_CONCURRENCY" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'wall clock (start of the app to the last sent):  %.2f s  -> %.0f e-mails/s\n' "$WALL" "$(echo "$N / $WALL" | bc -l)"
printf 'first to last sent_at:                           %.2f s  -> %.0f e-mails/s\n' "$SPAN_SECS" "$(echo "$N / $SPAN_SECS" | bc -l)"
printf 'delivered: %s (distinct Message-IDs: %s); not sent: %s\n' "$RECEIVED" "$UNIQUE" "$FAILED"
[ "$RECEIVED" = "$N" ] && [ "$UNIQUE" = "$N" ] || { echo "delivery count mismatch" >&2; exit 1; }

#!/usr/bin/env bash
# Load test of the job pages (SPEC §8). Builds the release binary, generates
# the data set (100,000 jobs, 20,000 seekers, 200,000 applicants) into a
# temporary SQLite file and into a fresh PostgreSQL database, serves each on
# loopback and runs wrk with 64 connections against:
#   list      /jobs, the first page
#   search    /jobs?q=… (12 searches in turn)
#   filtered  /jobs?q=…&remote=…&type=… (8 filtered searches in turn)
#   deep      the last pages one can reach (page 50), listed and searched
#   cold      random word pairs and filters: nearly every request misses the
#             result cache, so this is the cost of the queries themselves
# and prints requests/s, p50 and p99 for each. Everything it starts is stopped
# and removed at the end. Settings (environment): JOBS, SEEKERS, APPLICANTS,
# CONNECTIONS (64), THREADS (2), DURATION (15s), BACKENDS ("sqlite postgres"),
# SCENARIOS, PORT (18111), PG_URL (a PostgreSQL server to create the database on),
# JOB_CACHE (true; false measures every page's query), BIN (the binary to run;
# default: the release build in CARGO_TARGET_DIR, built only if missing),
# COMPARE_NGINX (1: also serve the bytes of /jobs as a file from nginx on PORT+1,
# loopback only, and load it the same way: the "nginx" row to compare with
# "list").
# The server builds its search index at start; the runs begin once it has.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-100000}
SEEKERS=${SEEKERS:-20000}
APPLICANTS=${APPLICANTS:-200000}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
BACKENDS=${BACKENDS:-"sqlite postgres"}
SCENARIOS=${SCENARIOS:-"list search filtered deep cold"}
PORT=${PORT:-18111}
# JOB_CACHE=false: every request runs its query (the result cache is off).
JOB_CACHE=${JOB_CACHE:-true}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jobconnect-target}"

command -v wrk >/dev/null || { echo "bench/jobs.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
if [ "${COMPARE_NGINX:-0}" = 1 ]; then
  command -v nginx >/dev/null || { echo "COMPARE_NGINX=1 needs nginx (apt-get install nginx)" >&2; exit 1; }
fi

BIN=${BIN:-$CARGO_TARGET_DIR/release/jobconnect}
if [ ! -x "$BIN" ]; then
  echo "== building the release binary"
  cargo build --release --quiet
fi

WORK=$(mktemp -d /tmp/jobconnect-bench.XXXXXX)
PG_DB="jc_bench_$$"
SERVER_PID=""
RESULTS="$WORK/results.txt"

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

cleanup() {
  stop_server
  if [ -f "$WORK/nginx/nginx.pid" ]; then
    nginx -p "$WORK/nginx" -c nginx.conf -s quit 2>/dev/null || true
  fi
  if [[ " $BACKENDS " == *" postgres "* ]]; then
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

run_backend() {
  local backend=$1 url
  case "$backend" in
    sqlite) url="sqlite://$WORK/bench.db" ;;
    postgres)
      psql "$PG_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
      url="${PG_URL%/*}/$PG_DB"
      ;;
    *) echo "unknown backend $backend" >&2; exit 1 ;;
  esac

  echo "== $backend: generating $JOBS jobs, $SEEKERS seekers, $APPLICANTS applicants"
  DATA_DIR="$WORK" DATABASE_URL="$url" RUST_LOG=warn "$BIN" gen-data \
    --jobs "$JOBS" --seekers "$SEEKERS" --applicants "$APPLICANTS" | sed -n 1p

  echo "== $backend: serving on 127.0.0.1:$PORT"
  rm -rf "$WORK/search-index"
  DATA_DIR="$WORK" DATABASE_URL="$url" BIND="127.0.0.1:$PORT" RUST_LOG=warn,jobconnect::search=info \
    JOB_CACHE="$JOB_CACHE" "$BIN" serve >"$WORK/server-$backend.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 1500); do
    grep -q "search index built" "$WORK/server-$backend.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  grep "search index built" "$WORK/server-$backend.log" | sed 's/^.*INFO //' || true
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "the server did not start" >&2; cat "$WORK/server-$backend.log" >&2; exit 1; }
  echo "== $backend: index $(du -sh "$WORK/search-index" | cut -f1) on disk, server RSS $(($(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2}') / 1024)) MB"

  if [ "${COMPARE_NGINX:-0}" = 1 ]; then
    compare_nginx "$backend"
  fi
  for scenario in $SCENARIOS; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/jobs.lua "http://127.0.0.1:$PORT" -- "$scenario" >/dev/null
    local line
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/jobs.lua "http://127.0.0.1:$PORT" -- "$scenario" | grep '^RESULT')
    printf '%-9s %-9s cache=%-5s %s\n' "$backend" "$scenario" "$JOB_CACHE" "${line#RESULT }" | tee -a "$RESULTS"
  done
  stop_server
}

# The page /jobs as this server answers it, served as a file by nginx.
compare_nginx() {
  local backend=$1 conf="$WORK/nginx" line
  mkdir -p "$conf/www"
  curl -fs "http://127.0.0.1:$PORT/jobs" >"$conf/www/jobs"
  # nginx's workers run as nobody: they may pass through the work folder
  # and read the page, nothing else.
  chmod o+x "$WORK" "$conf"
  chmod o+rx "$conf/www"
  chmod o+r "$conf/www/jobs"
  cat >"$conf/nginx.conf" <<NGINX
worker_processes 2;
pid $conf/nginx.pid;
error_log $conf/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$((PORT + 1));
    root $conf/www;
    location / { default_type "text/html; charset=utf-8"; }
  }
}
NGINX
  nginx -p "$conf" -c nginx.conf
  cmp -s <(curl -fs "http://127.0.0.1:$((PORT + 1))/jobs") "$conf/www/jobs" || { echo "nginx does not serve the page" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/jobs.lua "http://127.0.0.1:$((PORT + 1))" -- list >/dev/null
  line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/jobs.lua "http://127.0.0.1:$((PORT + 1))" -- list | grep '^RESULT')
  printf '%-9s %-9s %-11s %s (%s bytes)\n' "$backend" nginx "same-bytes" "${line#RESULT }" "$(stat -c %s "$conf/www/jobs")" | tee -a "$RESULTS"
  nginx -p "$conf" -c nginx.conf -s quit
}

echo "== machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for backend in $BACKENDS; do
  run_backend "$backend"
done
echo
echo "== results ($CONNECTIONS connections, $THREADS wrk threads, $DURATION each)"
cat "$RESULTS"

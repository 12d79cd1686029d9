#!/usr/bin/env bash
# Scale-out proof (PostgreSQL): the release binary as 1 and as 3 instances on
# one database behind nginx (deploy/nginx.conf), loaded with wrk through
# nginx, and the checks that several instances are one site
# (bench/scaleout_checks.py): a session made on one instance is valid on the
# others and a log-out there ends it everywhere; a message sent through
# instance A reaches a socket open on instance C; e-mails queued once are sent
# exactly once by three outbox workers into a real SMTP server; a job closed
# and reopened through one instance leaves and re-enters every instance's
# search within a second (index lag).
#
#   bash bench/scaleout.sh
#
# Environment (defaults): DURATION=15s CONNECTIONS=64 THREADS=2 PORT=18400
# (nginx; the instances use PORT+1…PORT+3, the SMTP server PORT+50),
# WORK_DIR=/tmp/jc-scaleout, PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres,
# REUSE=1 (keep the generated data of a previous run; else the database is
# dropped at the end), MAILS=300, BIN (the binary to run; default: the
# release build in CARGO_TARGET_DIR, built only if missing). nginx listens
# on loopback only.
# Installs what is missing: nginx and wrk (apt), aiosmtpd, requests and
# websocket-client (pip).
set -euo pipefail

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18400}
SMTP_PORT=$((PORT + 50))
WORK_DIR=${WORK_DIR:-/tmp/jc-scaleout}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
MAILS=${MAILS:-300}
PG_DB=jc_scaleout
PASSWORD=bench-password-1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jobconnect-target}"
cd "$ROOT"

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v wrk >/dev/null || need+=(wrk)
if [ "${#need[@]}" -gt 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
python3 -c 'import aiosmtpd, requests, websocket' 2>/dev/null || python3 -m pip install -q aiosmtpd requests websocket-client

BIN=${BIN:-$CARGO_TARGET_DIR/release/jobconnect}
if [ ! -x "$BIN" ]; then
  echo "== building the release binary"
  cargo build --release --quiet
fi

export DATABASE_URL="${PG_ADMIN_URL%/*}/$PG_DB"
sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
mkdir -p "$WORK_DIR"
marker="$WORK_DIR/data.ready"
if [ "${REUSE:-0}" != 1 ] || [ ! -f "$marker" ]; then
  rm -f "$marker"
  psql -X -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  echo "== generating the data (100,000 jobs, 20,000 seekers, 200,000 applicants)"
  DATA_DIR="$WORK_DIR/gen" RUST_LOG=warn "$BIN" gen-data --jobs 100000 --seekers 20000 --applicants 200000 | sed -n 1p
  DATA_DIR="$WORK_DIR/gen" BCRYPT_COST=4 "$BIN" create-admin --email bench@example.com --username bench \
    --password "$PASSWORD" >/dev/null
  company=$(sql "SELECT company_id FROM applicants GROUP BY company_id ORDER BY count(*) DESC, company_id LIMIT 1")
  sql "UPDATE users SET role = 'employer', company_id = $company WHERE username = 'bench'" >/dev/null
  sql "VACUUM ANALYZE" >/dev/null
  touch "$marker"
fi
company=$(sql "SELECT company_id FROM users WHERE username = 'bench'")

SESSION_KEY=$(openssl rand -hex 64)
PIDS=()
stop_all() {
  if [ -f "$WORK_DIR/nginx/nginx.pid" ]; then
    nginx -p "$WORK_DIR/nginx" -c nginx.conf -s quit 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_all
  [ -n "${SMTP_PID:-}" ] && kill "$SMTP_PID" 2>/dev/null || true
  if [ "${REUSE:-0}" != 1 ]; then
    psql -X -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -f "$marker"
  fi
}
trap cleanup EXIT

wait_http() {
  for _ in $(seq 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

# start N: N instances on PORT+1…PORT+N and nginx on PORT with deploy/nginx.conf.
start() {
  local n=$1 servers=""
  rm -rf "$WORK_DIR/uploads"
  for i in $(seq 1 "$n"); do
    mkdir -p "$WORK_DIR/instance$i" && rm -rf "$WORK_DIR/instance$i/search-index"
    DATA_DIR="$WORK_DIR/instance$i" UPLOAD_DIR="$WORK_DIR/uploads" SESSION_KEY="$SESSION_KEY" \
      BIND="127.0.0.1:$((PORT + i))" BASE_URL="http://127.0.0.1:$PORT" TRUST_PROXY=true \
      SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" BCRYPT_COST=4 RUST_LOG=warn,jobconnect::search=info \
      "$BIN" serve >"$WORK_DIR/instance$i.log" 2>&1 &
    PIDS+=($!)
    servers+="        server 127.0.0.1:$((PORT + i));\n"
  done
  for i in $(seq 1 "$n"); do wait_http "http://127.0.0.1:$((PORT + i))/healthz"; done
  # Each instance builds its own search index at start; measure once they have.
  for i in $(seq 1 "$n"); do
    for _ in $(seq 600); do grep -q "search index built" "$WORK_DIR/instance$i.log" && break; sleep 0.2; done
  done
  mkdir -p "$WORK_DIR/nginx"
  # The shipped configuration with this run's ports.
  awk -v servers="$servers" -v port="$PORT" '
    /^ *server 127\.0\.0\.1:808[0-9];/ { if (!done) { printf "%s", servers; done = 1 } next }
    /^ *listen 8080;/ { sub("8080", "127.0.0.1:" port) }
    { print }' deploy/nginx.conf | sed 's/\\n/\n/g' >"$WORK_DIR/nginx/nginx.conf"
  nginx -p "$WORK_DIR/nginx" -c nginx.conf
  wait_http "http://127.0.0.1:$PORT/healthz"
}

# The session cookie of `bench`, logged in through URL.
login() {
  local jar="$WORK_DIR/jar" token
  rm -f "$jar"
  token=$(curl -fs -c "$jar" -b "$jar" "$1/login" | grep -o 'name="csrf-token" content="[^"]*"' | cut -d'"' -f4)
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$1/login" \
    --data-urlencode "csrf_token=$token" --data-urlencode "login=bench" --data-urlencode "password=$PASSWORD"
  grep jobconnect_session "$jar" | awk '{print $6 "=" $7}'
}

RESULTS="$WORK_DIR/results.txt"
: >"$RESULTS"
measure() {
  local n=$1 url="http://127.0.0.1:$PORT" cookie line
  cookie=$(login "$url")
  for scenario in list search cold; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s bench/jobs.lua "$url" -- "$scenario" >/dev/null
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s bench/jobs.lua "$url" -- "$scenario" | grep '^RESULT')
    printf '%s instance(s)  %-11s %s\n' "$n" "$scenario" "${line#RESULT }" | tee -a "$RESULTS"
  done
  JC_COOKIE=$cookie JC_SCENARIO=mix wrk -t"$THREADS" -c16 -d3s -s bench/applicants.lua "$url" >/dev/null
  line=$(JC_COOKIE=$cookie JC_SCENARIO=mix wrk -t"$THREADS" -c16 -d"$DURATION" -s bench/applicants.lua "$url" | grep '^RESULT')
  printf '%s instance(s)  %-11s %s\n' "$n" "applicants" "${line#RESULT }" | tee -a "$RESULTS"
}

echo "== SMTP server on 127.0.0.1:$SMTP_PORT"
rm -rf "$WORK_DIR/maildir"
python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK_DIR/maildir" &
SMTP_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break; sleep 0.1; done

echo "== machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 1 3; do
  echo "== $n instance(s) behind nginx on 127.0.0.1:$PORT"
  start "$n"
  measure "$n"
  if [ "$n" = 3 ]; then
    echo "== checks with 3 instances"
    seeker=$(sql "SELECT u.username || ' ' || a.id FROM applicants a JOIN users u ON u.id = a.seeker_id
                  WHERE a.company_id = $company AND a.withdrawn_at IS NULL ORDER BY a.id LIMIT 1")
    python3 bench/scaleout_checks.py --site "http://127.0.0.1:$PORT" \
      --instances "http://127.0.0.1:$((PORT + 1))" "http://127.0.0.1:$((PORT + 2))" "http://127.0.0.1:$((PORT + 3))" \
      --employer bench --employer-password "$PASSWORD" --seeker "${seeker% *}" --seeker-password generated-password \
      --applicant "${seeker#* }" --database "$DATABASE_URL" --maildir "$WORK_DIR/maildir" --mails "$MAILS" \
      | tee -a "$RESULTS"
  fi
  stop_all
done
echo
echo "== results ($CONNECTIONS connections for the job pages, 16 for the applicant list, $DURATION each)"
cat "$RESULTS"

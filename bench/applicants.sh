#!/usr/bin/env bash
# CRM benchmark (SPEC §8): an employer's applicant list, filtered and
# searched, at 16 connections against a release build on loopback. Target:
# p99 under 50 ms with 200,000 applicants.
#
#   bench/applicants.sh [sqlite|postgres]
#
# Data. By default the data set is made by the project's generator:
#   jobconnect gen-data --jobs 100000 --seekers 20000 --applicants 200000
# ASSUMPTION (that command is written in the jobs area): it fills the database
# named by DATABASE_URL (running the migrations itself) with companies,
# employers, jobs, seekers, resumes with text and applicants. Until it exists,
# DATA_SOURCE=seed loads the interim data of bench/applicants-seed.py instead
# (the shape is described there: one company holds 40,000 applicants).
# Either way the benchmark user is made with `create-admin` (so its password
# is known) and then turned into an employer of the company with the most
# applicants: the heaviest list there is.
#
# Environment (defaults):
#   DATA_SOURCE=gen-data   or seed
#   DURATION=30s CONNECTIONS=16 THREADS=2 PORT=18103
#   WORK_DIR=/tmp/jc-bench-applicants   data, logs and the server's DATA_DIR
#   PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
#   REUSE=1                keep the data of a previous run (skip generation)
#   SCENARIOS="first mix search admin"
# Needs: cargo, wrk, curl, python3 (seed), sqlite3 (sqlite + seed), psql (postgres).
set -euo pipefail

BACKEND=${1:-sqlite}
DATA_SOURCE=${DATA_SOURCE:-gen-data}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-18103}
WORK_DIR=${WORK_DIR:-/tmp/jc-bench-applicants}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SCENARIOS=${SCENARIOS:-first mix search admin}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LUA="$ROOT/bench/applicants.lua"
PASSWORD=bench-password-1

cd "$ROOT"
echo "== building (release)"
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/jobconnect"

mkdir -p "$WORK_DIR"
case "$BACKEND" in
  sqlite)
    DB_FILE="$WORK_DIR/sqlite/jobconnect.db"
    export DATABASE_URL="sqlite://$DB_FILE"
    sql() { sqlite3 -batch -noheader "$DB_FILE" "$1"; }
    ;;
  postgres)
    PG_DB=jc_bench_applicants
    export DATABASE_URL="${PG_ADMIN_URL%/*}/$PG_DB"
    sql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
export DATA_DIR="$WORK_DIR/run-$BACKEND" BCRYPT_COST=4 RUST_LOG=${RUST_LOG:-warn}
mkdir -p "$DATA_DIR"

# Loads bench/applicants-seed.py's CSV files (\N is NULL).
load_seed() {
  local csv="$WORK_DIR/csv"
  [ -f "$csv/applicants.csv" ] || python3 "$ROOT/bench/applicants-seed.py" "$csv"
  local tables="companies users jobs resumes applicants"
  if [ "$BACKEND" = sqlite ]; then
    # The system sqlite3 may be older than the bundled one (no contentless FTS5):
    # it loads the data into the foundation schema only, and the app's own
    # migrations (search index, indexes, other areas') run afterwards.
    mkdir -p "$(dirname "$DB_FILE")"
    {
      echo "PRAGMA journal_mode = WAL;"
      echo "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);"
      for dir in "$ROOT"/migrations/sqlite/2026-11-22-00000[1-6]_*; do
        cat "$dir/up.sql"; echo ";"
        v=$(basename "$dir" | cut -d_ -f1 | tr -d -)
        echo "INSERT INTO __diesel_schema_migrations (version) VALUES ('$v');"
      done
      echo "BEGIN;"
      for t in $tables; do
        echo ".import --csv '$csv/$t.csv' stage_$t"
        cols=$(head -1 "$csv/$t.csv")
        sel=$(echo "$cols" | tr , '\n' | sed "s/.*/nullif(&, '\\\\N')/" | paste -sd,)
        echo "INSERT INTO $t ($cols) SELECT $sel FROM stage_$t; DROP TABLE stage_$t;"
      done
      echo "COMMIT;"
    } | sqlite3 -batch "$DB_FILE"
    "$BIN" migrate
  else
    "$BIN" migrate
    for t in $tables; do
      psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" \
        -c "\\copy $t ($(head -1 "$csv/$t.csv")) FROM '$csv/$t.csv' WITH (FORMAT csv, HEADER true, NULL '\\N')"
      sql "SELECT setval(pg_get_serial_sequence('$t', 'id'), (SELECT max(id) FROM $t))" >/dev/null
    done
    # What autovacuum does after a bulk load: statistics and the visibility
    # map (index-only scans).
    sql "VACUUM ANALYZE" >/dev/null
  fi
}

marker="$WORK_DIR/$BACKEND.ready"
if [ "${REUSE:-0}" != 1 ] || [ ! -f "$marker" ]; then
  echo "== making the data ($DATA_SOURCE, $BACKEND)"
  rm -f "$marker"
  if [ "$BACKEND" = sqlite ]; then rm -rf "$WORK_DIR/sqlite"; else
    psql -X -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  fi
  started=$(date +%s)
  if [ "$DATA_SOURCE" = seed ]; then load_seed; else
    "$BIN" gen-data --jobs 100000 --seekers 20000 --applicants 200000
  fi
  "$BIN" create-admin --email bench@example.com --username bench --password "$PASSWORD" >/dev/null
  "$BIN" create-admin --email benchadmin@example.com --username benchadmin --password "$PASSWORD" >/dev/null
  if [ "$BACKEND" = postgres ]; then sql "VACUUM ANALYZE" >/dev/null; fi
  company=$(sql "SELECT company_id FROM applicants GROUP BY company_id ORDER BY count(*) DESC, company_id LIMIT 1")
  sql "UPDATE users SET role = 'employer', company_id = $company WHERE username = 'bench'" >/dev/null
  echo "   data ready in $(( $(date +%s) - started ))s"
  touch "$marker"
fi
company=$(sql "SELECT company_id FROM users WHERE username = 'bench'")
echo "== data: $(sql "SELECT count(*) FROM applicants") applicants, $(sql "SELECT count(*) FROM resumes") resumes;" \
  "the benchmark employer's company $company has $(sql "SELECT count(*) FROM applicants WHERE company_id = $company")"
export JC_JOB=$(sql "SELECT job_id FROM applicants WHERE company_id = $company AND job_id IS NOT NULL GROUP BY job_id ORDER BY count(*) DESC, job_id LIMIT 1")
export JC_ASSIGNEE=$(sql "SELECT assignee_id FROM applicants WHERE company_id = $company AND assignee_id IS NOT NULL GROUP BY assignee_id ORDER BY count(*) DESC LIMIT 1")

echo "== starting the server on 127.0.0.1:$PORT"
BIND=127.0.0.1:$PORT BACKGROUND_WORKERS=false "$BIN" serve >"$WORK_DIR/server-$BACKEND.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Logs in once and prints the session cookie ("jobconnect_session=…").
login() {
  local jar="$WORK_DIR/$1.jar" token
  rm -f "$jar"
  token=$(curl -fs -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf-token" content="[^"]*"' | cut -d'"' -f4)
  curl -fs -o /dev/null -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" \
    --data-urlencode "csrf_token=$token" --data-urlencode "login=$1" --data-urlencode "password=$PASSWORD"
  grep jobconnect_session "$jar" | awk '{print $6 "=" $7}'
}
EMPLOYER_COOKIE=$(login bench)
ADMIN_COOKIE=$(login benchadmin)
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $EMPLOYER_COOKIE" "http://127.0.0.1:$PORT/applicants?q=python")
[ "$status" = 200 ] || { echo "the benchmark user cannot open /applicants ($status)" >&2; exit 1; }

echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION per scenario ($(nproc) cores, loopback)"
for scenario in $SCENARIOS; do
  cookie=$EMPLOYER_COOKIE; lua_scenario=$scenario
  if [ "$scenario" = admin ]; then cookie=$ADMIN_COOKIE; lua_scenario=mix; fi
  # Warm up (caches, connections), then measure.
  JC_COOKIE=$cookie JC_SCENARIO=$lua_scenario wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -s "$LUA" "http://127.0.0.1:$PORT" >/dev/null
  echo "-- $scenario"
  cpu_before=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  out=$(JC_COOKIE=$cookie JC_SCENARIO=$lua_scenario wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$LUA" \
    "http://127.0.0.1:$PORT")
  cpu_after=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  echo "$out" | grep -E "Latency|Req/Sec|requests in"
  requests=$(echo "$out" | grep -o 'RESULT.*requests=[0-9]*' | grep -o '[0-9]*$')
  # The app's own CPU per request (user + system), less sensitive than latency
  # to whatever else the machine runs; the database server's is not included.
  cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }')
  echo "$out" | grep RESULT | sed "s/RESULT scenario=$lua_scenario/RESULT scenario=$scenario/; s/\$/ app_cpu_per_request=${cpu}ms/"
done
echo "== load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

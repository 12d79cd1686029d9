#!/usr/bin/env bash
# WebSocket benchmark: 10,000 open sockets on one release instance, the
# server's memory per socket and the delivery latency of messages.
#
#   bench/ws/run.sh [sqlite|postgres]
#
# Environment (defaults): SOCKETS=10000 USERS=1000 MESSAGES=1000 RATE=50
# PORT=18105, TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
# (for the postgres run; a database jc_bench_ws is made and dropped).
# Loopback only; the whole run is bounded (MAX_SECONDS=600).
set -euo pipefail
cd "$(dirname "$0")/../.."

backend="${1:-sqlite}"
sockets="${SOCKETS:-10000}"
users="${USERS:-1000}"
messages="${MESSAGES:-1000}"
rate="${RATE:-50}"
port="${PORT:-18105}"
max_seconds="${MAX_SECONDS:-600}"
pg_admin="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jobconnect-target}"

# Each side holds one descriptor per socket (server and load tool are separate processes).
hard="$(ulimit -Hn)"
want=$((sockets + 2048))
if [ "$hard" != "unlimited" ] && [ "$hard" -lt "$want" ]; then want="$hard"; fi
ulimit -n "$want"
echo "== file limit: $(ulimit -n)"

echo "== building (release)"
cargo build --release --quiet --bin jobconnect
cargo bench --quiet --bench ws --no-run

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ "$backend" = postgres ]; then
    psql "$pg_admin" -qAtc "DROP DATABASE IF EXISTS jc_bench_ws WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) database_url="sqlite://$work/bench.db" ;;
  postgres)
    psql "$pg_admin" -qAtc "DROP DATABASE IF EXISTS jc_bench_ws WITH (FORCE)" >/dev/null
    psql "$pg_admin" -qAtc "CREATE DATABASE jc_bench_ws" >/dev/null
    database_url="$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/jc_bench_ws").geturl())' "$pg_admin")"
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac

echo "== server on 127.0.0.1:$port ($backend)"
# One employer sends every message: the per-user hourly limit is lifted.
DATABASE_URL="$database_url" DATA_DIR="$work" BIND="127.0.0.1:$port" BCRYPT_COST=4 RUST_LOG=warn MESSAGES_PER_HOUR=1000000 \
  "$CARGO_TARGET_DIR/release/jobconnect" serve &
server=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
timeout "$max_seconds" cargo bench --quiet --bench ws -- \
  --base-url "http://127.0.0.1:$port" --database-url "$database_url" --server-pid "$server" \
  --sockets "$sockets" --users "$users" --messages "$messages" --rate "$rate" --max-seconds "$max_seconds"

#!/usr/bin/env bash
# The whole test suite, several times in a row, while the machine is busy:
# stress-ng keeps every core at 100 % (and one disk writer going) for as
# long as the runs take. A test that fails only here has a real bug (a race,
# a deadline too tight, a port chosen and released): find it, never retry.
#
#   bash tools/suite-under-load.sh [RUNS]          (default 5)
#
# Same environment as CI (PostgreSQL runs mandatory). Stops at the first red run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
export CI=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jobconnect-target}"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TERM_COLOR=never

command -v stress-ng >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
cargo test --locked --no-run >/dev/null 2>&1 || cargo test --locked --no-run

stress-ng --cpu "$(nproc)" --io 1 --timeout 0 --quiet &
load=$!
trap 'kill "$load" 2>/dev/null || true' EXIT

for run in $(seq 1 "$runs"); do
  started=$SECONDS
  log="$CARGO_TARGET_DIR/suite-under-load-$run.log"
  if cargo test --locked >"$log" 2>&1; then
    echo "run $run of $runs: green in $((SECONDS - started)) s ($(grep -c ' ok$' "$log") tests)"
  else
    echo "run $run of $runs: RED after $((SECONDS - started)) s; see $log" >&2
    grep -E "FAILED|panicked" "$log" | head -20 >&2
    exit 1
  fi
done

#!/usr/bin/env bash
# Memory of the server while it receives 10 MiB resumes.
#
# Starts a release build on SQLite with MAX_UPLOAD_BYTES = 10 MiB, logs a
# seeker in with curl, and uploads UPLOADS resumes of 10 MiB each (a PDF with
# one line of text and a 10 MiB binary stream, like a resume with a large
# picture). VmRSS and VmHWM of the server process are read from
# /proc/PID/status before and after. Text extraction runs in a child process
# (`jobconnect pdf-text`), whose peak is measured on its own at the end.
#
#   bash bench/upload_memory.sh            # UPLOADS=8 PORT=18122 by default
#
# Only talks to 127.0.0.1; removes its data directory and stops the server.
set -euo pipefail

UPLOADS=${UPLOADS:-8}
PORT=${PORT:-18122}
SIZE=$((10 * 1024 * 1024))
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release --quiet
BIN="$TARGET/release/jobconnect"

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A PDF of exactly SIZE bytes: one page of text, plus an unreferenced stream of random bytes.
python3 - "$WORK/resume.pdf" "$SIZE" <<'PY'
import os, sys
path, size = sys.argv[1], int(sys.argv[2])
content = b"BT /F1 18 Tf 72 720 Td (Benchmark resume of Ann Lee) Tj ET"
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", None]
def build(blob_len):
    out, offs = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs):
        if body is None:
            body = b"<< /Length %d >>\nstream\n" % blob_len + os.urandom(blob_len) + b"\nendstream"
        offs.append(len(out)); out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return out
probe = len(build(0))
blob = size - probe - len(str(size)) + 1
data = build(blob)
while len(data) != size:          # the /Length digits move the total a little
    blob += size - len(data); data = build(blob)
open(path, "wb").write(data)
PY

DATA_DIR="$WORK/data" BIND="127.0.0.1:$PORT" MAX_UPLOAD_BYTES=$SIZE BCRYPT_COST=4 RUST_LOG=warn \
  WORKERS=2 "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break; sleep 0.1; done

JAR="$WORK/cookies"
BASE="http://127.0.0.1:$PORT"
token() { curl -fsS -b "$JAR" -c "$JAR" "$BASE$1" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p' | head -1; }
T=$(token /register)
curl -fsS -o /dev/null -b "$JAR" -c "$JAR" --data-urlencode "csrf_token=$T" --data-urlencode "email=bench@example.com" \
  --data-urlencode "full_name=Bench Seeker" --data-urlencode "username=bench" --data-urlencode "password=bench-secret-pass" --data-urlencode "role=seeker" "$BASE/register"
T=$(token /resumes)

kib() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$SERVER_PID/status"; }
upload() {
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -b "$JAR" -c "$JAR" \
    -F "csrf_token=$T" -F "resume=@$1;type=application/pdf;filename=resume.pdf" "$BASE/resumes"
}

# Warm-up: one small upload, so pools, templates and the first child process are counted as baseline.
python3 -c "open('$WORK/small.pdf','wb').write(open('$WORK/resume.pdf','rb').read(2000))"
upload "$WORK/small.pdf" > /dev/null
RSS0=$(kib VmRSS); HWM0=$(kib VmHWM)
echo "before:            VmRSS ${RSS0} KiB  VmHWM ${HWM0} KiB"

for i in $(seq "$UPLOADS"); do
  read -r code secs < <(upload "$WORK/resume.pdf")
  [ "$code" = 303 ] || { echo "upload $i answered $code"; cat "$WORK/server.log"; exit 1; }
  echo "upload $i (10 MiB): $code in ${secs}s   VmRSS $(kib VmRSS) KiB  VmHWM $(kib VmHWM) KiB"
done
RSS1=$(kib VmRSS); HWM1=$(kib VmHWM)
echo "after $UPLOADS uploads:   VmRSS ${RSS1} KiB  VmHWM ${HWM1} KiB"
echo "growth:            VmRSS $((RSS1 - RSS0)) KiB  VmHWM $((HWM1 - HWM0)) KiB  (file: $((SIZE / 1024)) KiB)"

TEXTS=$(python3 -c "import sqlite3; print(sqlite3.connect('$WORK/data/jobconnect.db').execute(\"SELECT count(*) FROM resumes WHERE text_content LIKE '%Benchmark resume%'\").fetchone()[0])")
echo "resumes with their text extracted: $TEXTS of $UPLOADS"
STORED=$(find "$WORK/data/uploads/resumes" -type f | wc -l)
echo "stored files: $STORED, temporary files left: $(find "$WORK/data/uploads/tmp" -type f | wc -l)"

# The child that reads the text, on one of those files: its own peak.
CHILD=$( { /usr/bin/time -f '%M' "$BIN" pdf-text "$WORK/resume.pdf" > /dev/null; } 2>&1 | tail -1)
echo "text-extraction child (separate process): max RSS ${CHILD} KiB"

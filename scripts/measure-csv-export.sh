#!/usr/bin/env bash
# Measures the server's memory while it streams a large attendee export (GET
# /events/{id}/attendees.csv): starts a server on a fresh database, books ROWS seats straight
# in SQL, downloads the export and reports the resident set size before and after (VmHWM,
# the peak, from /proc). Not a test: a measurement, written up in docs/performance.md.
#
# Usage: scripts/measure-csv-export.sh [ROWS] [DATABASE_URL]
#   ROWS          bookings to export (default 100000)
#   DATABASE_URL  sqlite://FILE (default: a temporary file) or postgres://... (an empty,
#                 existing database; this script fills it)
# BOXOFFICE_BIN names the binary (default target/release/boxoffice, else target/debug/boxoffice).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-100000}
work=$(mktemp -d)
url=${2:-sqlite://$work/export.db}
port=${PORT:-18765}
bin=${BOXOFFICE_BIN:-}
if [ -z "$bin" ]; then
    bin=target/release/boxoffice
    [ -x "$bin" ] || bin=target/debug/boxoffice
fi
[ -x "$bin" ] || { echo "no boxoffice binary: cargo build --release -p boxoffice" >&2; exit 1; }

"$bin" serve --database-url "$url" --port "$port" --data-dir "$work" \
    --jwt-secret "measure-csv-export-secret-measure-csv-export" --bcrypt-cost 4 \
    >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

json=(-H 'Content-Type: application/json')
curl -fs "${json[@]}" "$base/auth/register" \
    -d '{"email": "measure@example.com", "username": "measure", "password": "Measure-1234"}' >/dev/null
token=$(curl -fs "${json[@]}" "$base/auth/login" -d '{"username": "measure", "password": "Measure-1234"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
start=$(date -u -d '+30 days' +%Y-%m-%dT18:00:00Z)
event=$(curl -fs "${json[@]}" -H "Authorization: Bearer $token" "$base/events" \
    -d "{\"title\": \"Export\", \"start_time\": \"$start\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')

fill="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO attendees (name, email, locale, token_hash, created_at, updated_at)
SELECT 'Attendee number ' || i, 'attendee' || i || '@example.com', 'en', 'measure-token-' || i,
       '2030-01-01T00:00:00+00:00', '2030-01-01T00:00:00+00:00' FROM n;
INSERT INTO bookings (event_id, attendee_id, status, cancel_token_hash, created_at)
SELECT $event, id, 'confirmed', 'measure-cancel-' || id, '2030-01-02T00:00:00+00:00' FROM attendees ORDER BY id;"
case "$url" in
    sqlite:*) sqlite3 "${url#sqlite://}" "$fill" ;;
    *) psql -q "$url" -c "$fill" ;;
esac

kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$server/status"; }
# Warm the paths the export takes (auth, the event read) with a small request first.
curl -fs -H "Authorization: Bearer $token" "$base/events/$event/attendees?page_size=100" >/dev/null
before_rss=$(kib VmRSS)
before_peak=$(kib VmHWM)
timing=$(curl -fs -H "Authorization: Bearer $token" "$base/events/$event/attendees.csv" \
    -o "$work/export.csv" -w '%{time_total} s, %{size_download} bytes')
after_peak=$(kib VmHWM)
lines=$(wc -l <"$work/export.csv")

echo "binary:                $bin"
echo "database:              ${url%%:*}"
echo "rows exported:         $((lines - 1)) ($timing)"
echo "RSS before the export: $((before_rss / 1024)) MiB (peak so far $((before_peak / 1024)) MiB)"
echo "peak RSS after it:     $((after_peak / 1024)) MiB"

#!/usr/bin/env bash
# Fuzzes the live HTTP API with schemathesis against openapi/openapi.json's promises:
#   - a boxoffice server on a random port, on a fresh SQLite database and then on a fresh
#     PostgreSQL database (FUZZ_DATABASES="sqlite postgres" by default);
#   - every operation, twice: anonymous, and signed in as an admin (a bearer token
#     passed as a header);
#   - checks: not_a_server_error (no 5xx), status_code_conformance, content_type_conformance,
#     response_schema_conformance (every answer is one the document lists, in its shape);
#   - a fixed seed (FUZZ_SEED, default 20261130), so a run is reproducible.
# Short run (CI, the default): FUZZ_EXAMPLES=50 test cases per operation and phase, about
# 5,000 requests per database. Long run: `scripts/test-api-fuzz.sh --long` (FUZZ_EXAMPLES=400
# and the stateful phase too). Reports (JUnit, and the server log) land in
# FUZZ_REPORT_DIR (default target/api-fuzz). BOXOFFICE_BIN=/path/to/boxoffice skips the build.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

step() { printf '\n--> %s\n' "$*"; }

examples=${FUZZ_EXAMPLES:-50}
phases=${FUZZ_PHASES:-examples,coverage,fuzzing}
if [ "${1:-}" = "--long" ]; then
    examples=${FUZZ_EXAMPLES:-400}
    phases=${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}
fi
seed=${FUZZ_SEED:-20261130}
databases=${FUZZ_DATABASES:-sqlite postgres}
report_dir=${FUZZ_REPORT_DIR:-$PWD/target/api-fuzz}
postgres_admin=${BOXOFFICE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

step "Python environment"
ensure_venv
[ -x .venv/bin/schemathesis ] || die "schemathesis is missing from .venv (it is in requirements.txt)"

if [ -z "${BOXOFFICE_BIN:-}" ]; then
    need cargo "Install Rust with rustup (https://rustup.rs); rust-toolchain.toml picks the version."
    cargo build --locked -p boxoffice
    BOXOFFICE_BIN=$PWD/target/debug/boxoffice
fi
[ -x "$BOXOFFICE_BIN" ] || die "no boxoffice binary at $BOXOFFICE_BIN"

work=$(mktemp -d)
server_pid=
pg_database=
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
}
drop_pg_database() {
    if [ -n "$pg_database" ]; then
        psql -q "$postgres_admin" -c "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" >/dev/null 2>&1 || true
        pg_database=
    fi
}
cleanup() {
    stop_server
    drop_pg_database
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$report_dir"
# The anonymous run must stay anonymous: no automatic sign-up by schemathesis.
config=$work/schemathesis.toml
printf '[auth]\nauto-signup = false\n' >"$config"
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export BCRYPT_COST=4

# start_server DATABASE_URL: migrates, makes an admin, serves; sets $url and $token.
start_server() {
    local database=$1 password="Fuzz!$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')1A"
    "$BOXOFFICE_BIN" migrate --database-url "$database" >/dev/null
    BOXOFFICE_PASSWORD=$password "$BOXOFFICE_BIN" user create --database-url "$database" \
        --email fuzz-admin@example.com --username fuzz_admin --admin >/dev/null
    # Every request comes from 127.0.0.1: the sign-in limit is raised for this server.
    "$BOXOFFICE_BIN" serve --port 0 --database-url "$database" --data-dir "$work" \
        --login-attempts-per-minute 1000000 >"$work/server.out" 2>"$report_dir/server-$2.log" &
    server_pid=$!
    url=
    for _ in $(seq 1 200); do
        url=$(sed -n '1s/^Boxoffice listening on \(http:[^ ]*\).*/\1/p' "$work/server.out")
        [ -n "$url" ] && break
        kill -0 "$server_pid" 2>/dev/null || die "the server exited before it listened (see $report_dir/server-$2.log)"
        sleep 0.1
    done
    [ -n "$url" ] || die "the server did not print its address within 20 s"
    token=$(curl -sf "$url/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\": \"fuzz_admin\", \"password\": \"$password\"}" \
        | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
    echo "boxoffice serve: $url ($2)"
}

# fuzz NAME [HEADER...]: one schemathesis run against the current server.
fuzz() {
    local name=$1
    shift
    step "schemathesis: $name ($examples examples per operation, seed $seed)"
    .venv/bin/schemathesis --config-file "$config" run "$url/openapi.json" "$@" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --phases "$phases" --max-examples "$examples" --seed "$seed" --workers 1 \
        --exclude-path /ws --suppress-health-check all --request-timeout 30 \
        --generation-database none --no-color \
        --report junit --report-junit-path "$report_dir/$name.xml"
}

# fuzz_database NAME: both runs against a fresh database of that kind, in a subshell of its own.
fuzz_database() (
    local database=$1 database_url failed=0
    pg_database=
    work=$work/$database
    mkdir -p "$work"
    trap 'stop_server; drop_pg_database' EXIT
    case $database in
        sqlite) database_url="sqlite://$work/fuzz.db" ;;
        postgres)
            pg_database="boxoffice_fuzz_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
            psql -q "$postgres_admin" -c "CREATE DATABASE $pg_database" >/dev/null
            database_url="${postgres_admin%/*}/$pg_database"
            ;;
        *) die "unknown database $database (sqlite or postgres)" ;;
    esac
    start_server "$database_url" "$database"
    fuzz "$database-anonymous" || failed=1
    fuzz "$database-admin" -H "Authorization: Bearer $token" || failed=1
    if grep -q 'panicked' "$report_dir/server-$database.log"; then
        echo "the server panicked (see $report_dir/server-$database.log)" >&2
        failed=1
    fi
    exit "$failed"
)

# The databases are fuzzed at the same time (one schemathesis process each: its generation
# is single-threaded Python, so two processes use both cores).
for database in $databases; do
    [ "$database" != postgres ] || need psql "psql creates the PostgreSQL test database (Debian: apt-get install postgresql-client)."
done
declare -A jobs=()
for database in $databases; do
    fuzz_database "$database" >"$report_dir/$database.out" 2>&1 &
    jobs[$database]=$!
done
failed=0
for database in $databases; do
    status=0
    wait "${jobs[$database]}" || status=$?
    cat "$report_dir/$database.out"
    [ "$status" = 0 ] || failed=1
done
[ "$failed" = 0 ] || die "schemathesis found failures (reports in $report_dir)"
echo "schemathesis: no failures on $databases"

#!/usr/bin/env bash
# Tests the Python SDK (sdk/python) end to end, and checks the deploy files:
#   1. .venv with requirements.txt (created or updated as needed);
#   2. the SDK regenerated from openapi/openapi.json into a temporary folder must equal
#      sdk/python, and the Postman collection postman/boxoffice.postman_collection.json
#      (the diff is printed when they do not);
#   3. a boxoffice server on a random port over a fresh SQLite database, with an admin;
#   4. the sample script sdk/python/examples/walkthrough.py against it;
#   5. pytest: sdk/python/tests against the server, and deploy/tests.
# Exits non-zero on any failure. BOXOFFICE_BIN=/path/to/boxoffice skips the cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

step() { printf '\n--> %s\n' "$*"; }

need java "OpenAPI Generator runs on Java 11 or newer (Debian: apt-get install default-jre-headless)."
need npm "The Postman collection is made by an npm package: install Node.js 20 or newer with npm."

step "Python environment"
ensure_venv

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

step "SDK up to date with openapi/openapi.json"
bash scripts/generate-sdk.sh "$work/sdk"
if ! diff -ru --exclude=tests --exclude=examples --exclude=__pycache__ --exclude='*.egg-info' \
        --exclude=.pytest_cache sdk/python "$work/sdk"; then
    die "sdk/python differs from what openapi/openapi.json generates (diff above): run scripts/generate-sdk.sh and commit sdk/python."
fi
echo "sdk/python is what the generator makes of openapi/openapi.json"

step "Postman collection up to date with openapi/openapi.json"
bash scripts/generate-postman.sh "$work/postman.json"
if ! diff -u postman/boxoffice.postman_collection.json "$work/postman.json"; then
    die "postman/boxoffice.postman_collection.json differs from what openapi/openapi.json generates (diff above): run scripts/generate-postman.sh and commit it."
fi
echo "postman/boxoffice.postman_collection.json is up to date"

step "Server"
if [ -z "${BOXOFFICE_BIN:-}" ]; then
    need cargo "Install Rust with rustup (https://rustup.rs); rust-toolchain.toml picks the version."
    cargo build --locked -p boxoffice
    BOXOFFICE_BIN=$PWD/target/debug/boxoffice
fi
[ -x "$BOXOFFICE_BIN" ] || die "no boxoffice binary at $BOXOFFICE_BIN"
database="sqlite://$work/sdk.db"
admin_user=sdk_admin
admin_password="Adm1n!$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export BCRYPT_COST=4  # fast hashing: the tests sign in often
"$BOXOFFICE_BIN" migrate --database-url "$database" >/dev/null
BOXOFFICE_PASSWORD=$admin_password "$BOXOFFICE_BIN" user create --database-url "$database" \
    --email sdk-admin@example.com --username "$admin_user" --admin >/dev/null
# Sign-in attempts are limited per address (5 a minute by default); every test client
# here comes from 127.0.0.1, so the limit is raised for this server.
"$BOXOFFICE_BIN" serve --port 0 --database-url "$database" --data-dir "$work" \
    --login-attempts-per-minute 10000 >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
url=
for _ in $(seq 1 200); do
    url=$(sed -n '1s/^Boxoffice listening on \(http:[^ ]*\).*/\1/p' "$work/server.out")
    [ -n "$url" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        tail -n 50 "$work/server.log" >&2
        die "the server exited before it listened"
    fi
    sleep 0.1
done
[ -n "$url" ] || { tail -n 50 "$work/server.log" >&2; die "the server did not print its address within 20 s"; }
echo "boxoffice serve: $url (database $database)"

export BOXOFFICE_URL=$url BOXOFFICE_BIN
export BOXOFFICE_ADMIN_USERNAME=$admin_user BOXOFFICE_ADMIN_PASSWORD=$admin_password
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

step "Sample script: sdk/python/examples/walkthrough.py"
.venv/bin/python sdk/python/examples/walkthrough.py --host "$url"

step "pytest: the SDK against the server, and the deploy files"
.venv/bin/python -m pytest -p no:cacheprovider -ra --rootdir . sdk/python/tests deploy/tests

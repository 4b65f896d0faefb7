#!/usr/bin/env bash
# Tests the web app (web/) end to end:
#   1. what it needs: npm ci in web/ (when package-lock.json changed), Debian's Chromium
#      (apt-get, as root, when /usr/bin/chromium is missing), .venv with requirements.txt
#      for OpenAPI Generator;
#   2. the API client regenerated from openapi/openapi.json into a temporary folder must
#      equal web/src/api (the diff is printed when it does not);
#   3. lint, component tests (Vitest), production build (tsc + vite build into web/dist);
#   4. the boxoffice binary (built if needed, so that it serves web/dist under /app/),
#      started on a free port over a fresh SQLite database with the sample data;
#   5. browser tests: e2e/*.test.mjs with node --test, in headless Chromium driven by
#      playwright-core. Screenshots of the main pages go to target/web-e2e/.
# Exits non-zero on any failure.
#   BOXOFFICE_BIN=/path/to/boxoffice       skips the cargo build (the binary must serve web/dist)
#   BOXOFFICE_UPDATE_SCREENSHOTS=1         also copies the README's screenshots to docs/screenshots/
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

step() { printf '\n--> %s\n' "$*"; }
started=$SECONDS

need node "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
    || die "Node.js 20 or newer is needed; node is $(node --version)."
need java "OpenAPI Generator runs on Java 11 or newer (Debian: apt-get install default-jre-headless)."

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

step "Node packages (web/)"
lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat web/node_modules/.boxoffice-lock.sha256 2>/dev/null)" != "$lock_sum" ]; then
    npm --prefix web ci --no-audit --no-fund
    echo "$lock_sum" > web/node_modules/.boxoffice-lock.sha256
else
    echo "web/node_modules is up to date with web/package-lock.json"
fi

step "Chromium"
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing Debian's chromium package"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    [ -x "$chromium" ] || die "no Chromium at $chromium (Debian: apt-get install chromium; or set CHROMIUM_PATH)."
fi
"$chromium" --version 2>/dev/null | head -n 1 || true

step "Python environment (OpenAPI Generator)"
ensure_venv

step "API client up to date with openapi/openapi.json"
bash scripts/generate-web-client.sh "$work/api"
if ! diff -ru web/src/api "$work/api"; then
    die "web/src/api differs from what openapi/openapi.json generates (diff above): run scripts/generate-web-client.sh and commit web/src/api."
fi
echo "web/src/api is what the generator makes of openapi/openapi.json"

step "Lint (oxlint)"
npm --prefix web run --silent lint -- --deny-warnings

step "Component tests (Vitest)"
npm --prefix web test

step "Production build (web/dist)"
npm --prefix web run build

step "Server"
if [ -z "${BOXOFFICE_BIN:-}" ]; then
    need cargo "Install Rust with rustup (https://rustup.rs); rust-toolchain.toml picks the version."
    BOXOFFICE_BIN=$PWD/target/debug/boxoffice
    # rust-embed reads web/dist when boxoffice-http compiles; a binary compiled before
    # this build does not know the new files, so its crate is compiled again.
    if [ -e "$BOXOFFICE_BIN" ] && [ web/dist/index.html -nt "$BOXOFFICE_BIN" ]; then
        touch crates/boxoffice-http/src/routes/webapp.rs
    fi
    cargo build --locked -p boxoffice
fi
[ -x "$BOXOFFICE_BIN" ] || die "no boxoffice binary at $BOXOFFICE_BIN"
database="sqlite://$work/web.db"
export BCRYPT_COST=4  # fast hashing: the tests sign up and in often
"$BOXOFFICE_BIN" seed --database-url "$database" >/dev/null
# Every browser here comes from 127.0.0.1: the sign-in limit is raised for this server, and
# webhooks may go to the receiver the webhook test starts on loopback.
WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true RUST_LOG=warn "$BOXOFFICE_BIN" serve --port 0 --database-url "$database" --data-dir "$work" \
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
if ! node -e 'fetch(process.argv[1]).then(async (r) => process.exit(r.ok && (await r.text()).includes("/app/assets/") ? 0 : 1), () => process.exit(1))' "$url/app/"; then
    die "$BOXOFFICE_BIN does not serve the web app at /app/ (built before web/dist existed? rebuild it)"
fi
echo "the web app is served at $url/app/"

step "Browser tests (headless Chromium, node --test)"
# The tests read the e-mail this server writes to its data directory's mail/ folder.
export BOXOFFICE_URL=$url BOXOFFICE_DATA_DIR=$work CHROMIUM_PATH=$chromium
export BOXOFFICE_SCREENSHOT_DIR=$PWD/target/web-e2e
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
rm -rf "$BOXOFFICE_SCREENSHOT_DIR"
status=0
npm --prefix web run --silent e2e || status=$?
echo "screenshots: $(find "$BOXOFFICE_SCREENSHOT_DIR" -name '*.png' | wc -l) in $BOXOFFICE_SCREENSHOT_DIR"
if [ "$status" -ne 0 ]; then
    echo "server log (last 50 lines):" >&2
    tail -n 50 "$work/server.log" >&2
    die "browser tests failed"
fi

if [ "${BOXOFFICE_UPDATE_SCREENSHOTS:-}" = 1 ]; then
    mkdir -p docs/screenshots
    for name in events event-booked event-full bookings signin organizer event-editor attendees events-phone \
        event-full-phone magic-link-sent bookings-signed-in preferences; do
        cp "$BOXOFFICE_SCREENSHOT_DIR/$name.png" docs/screenshots/
    done
    echo "copied the README's screenshots to docs/screenshots/"
fi

echo "web app: all checks passed in $((SECONDS - started)) s"

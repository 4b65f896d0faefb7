#!/usr/bin/env bash
# Sets up a development machine. Safe to run again: each step
# does only what is missing or out of date.
#   1. the Python virtual environment .venv with requirements.txt (SDK, generator, tests);
#   2. the web app: its dependencies (npm ci in web/) and its build (web/dist);
#   3. the Rust binary, release build (target/release/boxoffice), which embeds web/dist;
#   4. the database: migrations applied (DATABASE_URL, default sqlite://data/boxoffice.db).
# Usage: scripts/setup.sh [--seed]    (--seed also loads the sample data of db/seed_data.sql)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

seed=false
for arg in "$@"; do
    case "$arg" in
        --seed) seed=true ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $arg (usage: scripts/setup.sh [--seed])" ;;
    esac
done

step() { printf '\n==> %s\n' "$*"; }

step "Prerequisites"
need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."
need cargo "Install Rust with rustup (https://rustup.rs); rust-toolchain.toml selects the version."
echo "python3: $(python3 --version 2>&1)"
echo "cargo:   $(cargo --version 2>&1)"
if command -v java >/dev/null 2>&1; then
    echo "java:    $(java -version 2>&1 | head -n 1)"
else
    echo "java:    missing; only needed to regenerate the SDK (scripts/generate-sdk.sh) and by"
    echo "         scripts/test-sdk.sh (Debian: apt-get install default-jre-headless)"
fi

step "Python virtual environment (.venv)"
ensure_venv

step "Web app"
if [ -f web/package.json ]; then
    need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
    if [ -f web/package-lock.json ]; then
        npm --prefix web ci
    else
        npm --prefix web install
    fi
    npm --prefix web run build
    echo "built web/dist (served by boxoffice serve under /app/)"
else
    echo "no web app (web/package.json does not exist): nothing to install"
fi

step "Rust binary (release)"
# rust-embed reads web/dist when boxoffice-http compiles: a newer build recompiles it.
if [ -f web/dist/index.html ] && [ -e target/release/boxoffice ] \
        && [ web/dist/index.html -nt target/release/boxoffice ]; then
    touch crates/boxoffice-http/src/routes/webapp.rs
fi
cargo build --release --locked -p boxoffice
echo "built target/release/boxoffice"

step "Database"
export DATABASE_URL=${DATABASE_URL:-sqlite://data/boxoffice.db}
mkdir -p data
echo "database: $(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$DATABASE_URL")"
target/release/boxoffice migrate
if $seed; then
    target/release/boxoffice seed
fi

printf '\nSet up. Start everything with scripts/run.sh\n'

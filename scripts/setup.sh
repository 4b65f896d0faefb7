#!/usr/bin/env bash
# Sets up a development machine (seed 004, section 5). Safe to run again: each step
# does only what is missing or out of date.
#   1. the Python virtual environment .venv with requirements.txt (SDK, generator, tests);
#   2. the Rust binary, release build (target/release/boxoffice);
#   3. the database: migrations applied (DATABASE_URL, default sqlite://data/boxoffice.db);
#   4. the web app's dependencies, when there is a web app (web/package.json).
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

step "Rust binary (release)"
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

step "Web app"
if [ -f web/package.json ]; then
    need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
    if [ -f web/package-lock.json ]; then
        npm --prefix web ci
    else
        npm --prefix web install
    fi
else
    echo "no web app yet (web/package.json does not exist): nothing to install"
fi

printf '\nSet up. Start everything with scripts/run.sh\n'

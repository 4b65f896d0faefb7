#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on
# SQLite and PostgreSQL. Installs what it needs and starts PostgreSQL if it is down.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "services"
scripts/services.sh postgres rabbitmq

step "toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
if ! cargo nextest --version >/dev/null 2>&1; then
    cargo install cargo-nextest --locked
fi

step "supply chain (cargo deny, npm audit)"
bash scripts/test-supply-chain.sh

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (SQLite and PostgreSQL)"
cargo nextest run --workspace --locked --profile ci

step "API fuzzing (schemathesis, SQLite and PostgreSQL)"
bash scripts/test-api-fuzz.sh

step "fault runs (short: kill -9, PostgreSQL and RabbitMQ outages, slow clients, idle WebSockets)"
bash scripts/test-faults.sh short

step "Python SDK"
bash scripts/test-sdk.sh

step "web app"
bash scripts/test-web.sh

step "benchmark smoke"
bash scripts/bench-smoke.sh

#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on
# SQLite and PostgreSQL, with attachments in a local folder and in S3 (a moto server
# on loopback), and e-mail through a real SMTP server (aiosmtpd on loopback).
# Installs what it needs and starts PostgreSQL if it is down.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
source scripts/lib/moto.sh
source scripts/lib/smtp.sh
trap 'stop_moto; stop_smtp' EXIT

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

step "S3 API for the attachment tests (moto), SMTP server for the e-mail tests (aiosmtpd)"
start_moto
start_smtp

step "Python requirements (.venv: the webhook tests' receiver verifies with standardwebhooks)"
ensure_venv

step "tests (SQLite and PostgreSQL; local and S3 attachments; e-mail over SMTP)"
cargo nextest run --workspace --locked --profile ci
stop_moto
stop_smtp

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

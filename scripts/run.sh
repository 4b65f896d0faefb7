#!/usr/bin/env bash
# Starts the application (seed 004, section 6): the API server and, when there is one,
# the web app; prints their URLs and runs until Ctrl-C, which stops both.
# If the API already answers on its address, nothing is started twice.
#
# Settings (environment): HOST (127.0.0.1), PORT (8000), DATABASE_URL
# (sqlite://data/boxoffice.db), DATA_DIR (data), WEB_PORT (5173), and every other
# variable of `boxoffice serve --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000}
export DATABASE_URL=${DATABASE_URL:-sqlite://data/boxoffice.db} DATA_DIR=${DATA_DIR:-data}
web_port=${WEB_PORT:-5173}
client_host=$HOST
[ "$HOST" = 0.0.0.0 ] && client_host=127.0.0.1
api="http://$client_host:$PORT"

# http_ok PORT PATH: true when GET PATH on client_host:PORT answers 200.
http_ok() {
    (exec 3<>"/dev/tcp/$client_host/$1" \
        && printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$client_host" >&3 \
        && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
}
port_open() { (exec 3<>"/dev/tcp/$client_host/$1") 2>/dev/null; }

urls() {
    echo
    echo "  API         $api"
    echo "  Swagger UI  $api/docs"
    echo "  OpenAPI     $api/openapi.json"
    if [ -f web/package.json ]; then
        echo "  Web app     http://127.0.0.1:$web_port"
    else
        echo "  Web app     not there yet (no web/package.json)"
    fi
    echo
}

pids=()
stop() {
    trap - INT TERM EXIT
    if [ ${#pids[@]} -gt 0 ]; then
        echo "run: stopping"
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- API -------------------------------------------------------------------------------
if http_ok "$PORT" /healthz; then
    echo "run: the API already answers at $api; not starting another"
    api_started=false
else
    port_open "$PORT" && die "port $PORT on $client_host is taken by another program: set PORT"
    if command -v cargo >/dev/null 2>&1; then
        cargo build --release --locked -p boxoffice --quiet
    elif [ ! -x target/release/boxoffice ]; then
        die "cargo is missing and target/release/boxoffice is not built: install Rust (https://rustup.rs), then run scripts/setup.sh."
    fi
    mkdir -p data "$DATA_DIR"
    echo "run: starting the API (database $(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$DATABASE_URL"))"
    target/release/boxoffice serve &
    pids+=($!)
    for _ in $(seq 1 150); do
        http_ok "$PORT" /healthz && break
        kill -0 "${pids[0]}" 2>/dev/null || die "the API server exited (see its messages above)"
        sleep 0.2
    done
    http_ok "$PORT" /healthz || die "the API did not answer at $api within 30 s"
    api_started=true
fi

# --- Web app ---------------------------------------------------------------------------
web_started=false
if [ -f web/package.json ]; then
    need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
    [ -d web/node_modules ] || die "the web app's dependencies are not installed: run scripts/setup.sh"
    if port_open "$web_port"; then
        echo "run: something already listens on port $web_port; assuming it is the web app"
    else
        echo "run: starting the web app"
        npm --prefix web run dev -- --host 127.0.0.1 --port "$web_port" --strictPort &
        pids+=($!)
        web_started=true
    fi
else
    echo "run: no web app yet (web/package.json does not exist); only the API runs"
fi

urls
if ! $api_started && ! $web_started; then
    exit 0
fi
echo "run: Ctrl-C stops what this script started"
wait -n "${pids[@]}" || true

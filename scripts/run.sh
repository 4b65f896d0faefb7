#!/usr/bin/env bash
# Starts the application: builds the web app (web/dist) so that
# the API server embeds it and serves it under /app/, starts the server, prints the
# URLs and runs until Ctrl-C. With --dev, also starts the web app's Vite dev server
# (hot reload, proxying the API). If the API already answers on its address, nothing
# is started twice.
# Usage: scripts/run.sh [--dev]
#
# Settings (environment): HOST (127.0.0.1), PORT (8000), DATABASE_URL
# (sqlite://data/boxoffice.db), DATA_DIR (data), WEB_PORT (5173, --dev only), and every
# other variable of `boxoffice serve --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

dev=false
for arg in "$@"; do
    case "$arg" in
        --dev) dev=true ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument $arg (usage: scripts/run.sh [--dev])" ;;
    esac
done

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
    if [ -f web/dist/index.html ]; then
        echo "  Web app     $api/app/"
    else
        echo "  Web app     not built (no web/dist): install Node.js with npm, then scripts/setup.sh"
    fi
    if $web_started; then
        echo "  Dev server  http://127.0.0.1:$web_port/app/  (Vite, hot reload)"
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

# --- Web app build ---------------------------------------------------------------------
# web/dist is embedded in the release binary: build it first when its sources changed.
if [ -f web/package.json ]; then
    if command -v npm >/dev/null 2>&1; then
        if [ ! -d web/node_modules ]; then
            echo "run: installing the web app's dependencies (npm ci, once)"
            npm --prefix web ci --no-audit --no-fund --loglevel=error >/dev/null
        fi
        if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/public web/index.html web/vite.config.ts \
                web/package-lock.json -newer web/dist/index.html -print -quit)" ]; then
            echo "run: building the web app (web/dist)"
            npm --prefix web run --silent build >/dev/null
        fi
    elif [ ! -f web/dist/index.html ]; then
        echo "run: npm is missing: the web app is not built, only the API runs (install Node.js 20+ with npm)"
    fi
fi

# --- API -------------------------------------------------------------------------------
if http_ok "$PORT" /healthz; then
    echo "run: the API already answers at $api; not starting another"
    api_started=false
else
    port_open "$PORT" && die "port $PORT on $client_host is taken by another program: set PORT"
    if command -v cargo >/dev/null 2>&1; then
        # rust-embed reads web/dist when boxoffice-http compiles: a newer build recompiles it.
        if [ -f web/dist/index.html ] && [ -e target/release/boxoffice ] \
                && [ web/dist/index.html -nt target/release/boxoffice ]; then
            touch crates/boxoffice-http/src/routes/webapp.rs
        fi
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

# --- Web app dev server (--dev) ----------------------------------------------------------
web_started=false
if $dev; then
    [ -f web/package.json ] || die "there is no web app (web/package.json) to start"
    need npm "Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)."
    [ -d web/node_modules ] || die "the web app's dependencies are not installed: run scripts/setup.sh"
    if port_open "$web_port"; then
        echo "run: something already listens on port $web_port; assuming it is the web app's dev server"
    else
        echo "run: starting the web app's dev server"
        BOXOFFICE_API_URL=$api npm --prefix web run dev -- --host 127.0.0.1 --port "$web_port" --strictPort &
        pids+=($!)
        web_started=true
    fi
fi

urls
if ! $api_started && ! $web_started; then
    exit 0
fi
echo "run: Ctrl-C stops what this script started"
wait -n "${pids[@]}" || true

#!/usr/bin/env bash
# Fault runs against the boxoffice binary, each followed by `boxoffice check`:
#   kill9-sqlite, kill9-postgres  kill -9 under booking load, restart, every 201 present
#   postgres-restart              a private PostgreSQL cluster stopped and restarted under load
#   rabbitmq-outage               a cuttable proxy in front of the shared RabbitMQ, cut under load;
#                                 every notification recorded exactly once
#   sockets                       thousands of idle WebSockets and slow (half-sent) requests while
#                                 normal requests are timed; memory measured
#   race                          two processes on one PostgreSQL database, a seeded random mix of
#                                 bookings and cancellations of 15 seats by 40 people sent to both;
#                                 no 5xx, seat counts exact, the driver's bookings are the database's
# Usage: scripts/test-faults.sh [short|long] [scenario ...]
# `short` (CI, about 2 minutes) uses short loads and outages; `long` uses 30-second outages,
# five crash rounds, 5,000 WebSockets, 1,100 slow connections and a 10,000-request race
# (2,000 short; RACE_SEED picks the race's seed). The shared PostgreSQL and
# RabbitMQ are never stopped. BOXOFFICE_BIN picks the binary (default: a debug build).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-short}
shift || true
scenarios=${*:-kill9-sqlite kill9-postgres postgres-restart rabbitmq-outage sockets race}
case "$mode" in
    short) LOAD=6 OUTAGE=5 ROUNDS=1 WS=2000 SLOW=300 RACE_OPS=2000 ;;
    long) LOAD=40 OUTAGE=30 ROUNDS=5 WS=5000 SLOW=1100 RACE_OPS=10000 ;;
    *) echo "usage: $0 [short|long] [scenario ...]" >&2; exit 2 ;;
esac

if [ -z "${BOXOFFICE_BIN:-}" ]; then
    cargo build --quiet -p boxoffice
    BOXOFFICE_BIN=target/debug/boxoffice
fi
BIN=$BOXOFFICE_BIN
DRIVER="python3 scripts/lib/faults.py"
PG_ADMIN=${BOXOFFICE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -s "$work/server.err" ]; then
        echo "last lines of the server's log:" >&2
        tail -n 30 "$work/server.err" >&2
    fi
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    [ -n "${private_pg:-}" ] && runuser -u postgres -- pg_ctl -D "$private_pg" stop -m immediate >/dev/null 2>&1
    for db in ${databases:-}; do psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAULT RUN FAILED: $*" >&2; tail -n 20 "$work/server.err" >&2 || true; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server PORT ARGS... : serves on PORT, sets server_pid and url. Processes started one
# after the other share the data directory (the first creates the JWT secret, the next reuse it).
start_server() {
    local port=$1; shift
    local out=$work/server-$port.out
    "$BIN" serve --port "$port" --data-dir "$work" "$@" >"$out" 2>>"$work/server.err" &
    server_pid=$!
    pids+=("$server_pid")
    url=http://127.0.0.1:$port
    for _ in $(seq 1 100); do
        grep -q "listening on" "$out" 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || fail "server exited"
        sleep 0.1
    done
    fail "server did not start"
}

# sql DATABASE_URL QUERY: one value.
sql() {
    case "$1" in
        sqlite://*) sqlite3 "${1#sqlite://}" "$2" ;;
        *) psql "$1" -tAqc "$2" ;;
    esac
}

# new_pg_database: a fresh database on the shared server, in $pg_db; dropped on exit.
new_pg_database() {
    local name="faults_$(date +%s%N)"
    psql "$PG_ADMIN" -qc "CREATE DATABASE $name" >/dev/null
    databases="${databases:-} $name"
    pg_db="${PG_ADMIN%/*}/$name"
}

# check_drained DATABASE_URL: waits (up to a minute) for the outbox to drain and its
# deliveries to be routed (after kill -9, rows the dead process had claimed wait for their
# 30 s claim to lapse), then `boxoffice check` must pass.
check_drained() {
    local db=$1 pending
    for _ in $(seq 1 600); do
        pending=$(sql "$db" "SELECT count(*) FROM outbox WHERE published_at IS NULL OR routed_at IS NULL")
        [ "$pending" = 0 ] && "$BIN" check --database-url "$db" --delivery-grace-seconds 0 >"$work/check.out" 2>&1 && break
        sleep 0.1
    done
    [ "$pending" = 0 ] || fail "$pending outbox rows still unpublished or unrouted"
    "$BIN" check --database-url "$db" --delivery-grace-seconds 0 || fail "boxoffice check"
}

# verify DATABASE_URL ACK_FILE: outbox drained, boxoffice check passes, every 201 present.
verify() {
    local db=$1 acks=$2
    check_drained "$db"
    local acknowledged present
    acknowledged=$(grep -c . "$acks" || true)
    present=$(sql "$db" "SELECT count(*) FROM bookings WHERE id IN ($(paste -sd, "$acks"))")
    [ "$acknowledged" = "$present" ] || fail "$acknowledged bookings acknowledged, $present present"
    local outbox history
    outbox=$(sql "$db" "SELECT count(*) FROM outbox")
    history=$(sql "$db" "SELECT count(*) FROM notifications")
    [ "$outbox" = "$history" ] || fail "$outbox domain events, $history history rows"
    echo "verified: $acknowledged acknowledged bookings present; $outbox domain events, each recorded once"
}

kill9() { # DATABASE_URL
    local db=$1 port
    port=$(free_port)
    start_server "$port" --database-url "$db"
    local event
    event=$($DRIVER event "$url")
    $DRIVER load "$url" "$event" $((LOAD * ROUNDS + 2)) "$work/acks" &
    local load=$!
    for round in $(seq 1 "$ROUNDS"); do
        sleep "$LOAD"
        kill -9 "$server_pid"
        echo "round $round: killed -9 under load"
        wait "$server_pid" 2>/dev/null || true
        start_server "$port" --database-url "$db"
    done
    wait "$load" || fail "booking load saw server errors"
    verify "$db" "$work/acks"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
}

postgres_restart() {
    private_pg=$work/pg
    mkdir -p "$private_pg" && chown postgres "$private_pg"
    runuser -u postgres -- initdb -D "$private_pg" -A trust -U postgres >/dev/null
    local pg_port port
    pg_port=$(free_port)
    local pg_ctl=(runuser -u postgres -- pg_ctl -D "$private_pg" -l "$private_pg/log" -w
        -o "-p $pg_port -k $private_pg -c listen_addresses=127.0.0.1")
    "${pg_ctl[@]}" start >/dev/null
    local db=postgres://postgres@127.0.0.1:$pg_port/postgres
    port=$(free_port)
    start_server "$port" --database-url "$db"
    local event
    event=$($DRIVER event "$url")
    $DRIVER load "$url" "$event" $((LOAD + OUTAGE + LOAD)) "$work/acks" &
    local load=$!
    sleep "$LOAD"
    "${pg_ctl[@]}" stop -m fast >/dev/null
    echo "PostgreSQL stopped for ${OUTAGE}s"
    sleep 1
    curl -s -o /dev/null -w 'readyz during the outage: %{http_code} in %{time_total}s\n' "$url/readyz"
    curl -s -o "$work/booking.json" -w 'a booking during the outage: %{http_code} in %{time_total}s\n' \
        -H 'content-type: application/json' -d '{"name":"X","email":"outage@example.com"}' "$url/events/$event/book"
    sleep $((OUTAGE - 1))
    "${pg_ctl[@]}" start >/dev/null
    local began=$SECONDS
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ]; do
        [ $((SECONDS - began)) -lt 10 ] || fail "/readyz did not recover"
        sleep 0.1
    done
    echo "PostgreSQL restarted; /readyz 200 again within $((SECONDS - began))s"
    wait "$load" || fail "booking load saw server errors other than 503"
    verify "$db" "$work/acks"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
}

rabbitmq_outage() {
    local proxy_port port db namespace
    proxy_port=$(free_port)
    $DRIVER proxy "$proxy_port" 5672 >"$work/proxy.out" 2>&1 &
    local proxy=$!
    disown "$proxy"
    pids+=("$proxy")
    for _ in $(seq 1 50); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
    new_pg_database
    db=$pg_db
    namespace=faults-$(date +%s%N)
    port=$(free_port)
    AMQP_URL="amqp://guest:guest@127.0.0.1:$proxy_port/%2f" AMQP_NAMESPACE=$namespace \
        start_server "$port" --database-url "$db"
    local event
    event=$($DRIVER event "$url")
    $DRIVER load "$url" "$event" $((LOAD + OUTAGE + LOAD)) "$work/acks" &
    local load=$!
    sleep "$LOAD"
    kill -USR1 "$proxy"
    echo "RabbitMQ cut off for ${OUTAGE}s"
    sleep "$OUTAGE"
    kill -USR2 "$proxy"
    echo "RabbitMQ reachable again"
    wait "$load" || fail "booking load saw server errors"
    verify "$db" "$work/acks"
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    for queue in $(rabbitmqctl list_queues name --quiet --no-table-headers 2>/dev/null | grep "^$namespace\." || true); do
        rabbitmqctl delete_queue "$queue" >/dev/null 2>&1 || true
    done
}

sockets() {
    local port
    port=$(free_port)
    start_server "$port" --database-url "sqlite://$work/sockets.db" --header-read-timeout-ms 2000 \
        --max-connections $((WS + SLOW + 200))
    $DRIVER sockets "$url" "$server_pid" "$WS" "$SLOW" 5 | tee "$work/sockets.json"
    python3 - "$work/sockets.json" "$WS" "$SLOW" <<'EOF' || fail "sockets"
import json, sys
r = json.load(open(sys.argv[1])); ws, slow = int(sys.argv[2]), int(sys.argv[3])
assert r["websockets_open"] == ws, r
assert r["slow_closed_by_server"] == slow, r
assert r["request_errors"] == 0 and r["max_ms"] < 1000, r
assert r["kib_per_websocket"] < 100, r
EOF
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
}

# race: two processes on one fresh PostgreSQL database; the driver books and cancels at random,
# each request to either process, and fails on any 5xx or other unexpected answer (a 503
# `database_contended` included: lock order and retries should leave none). Then the database
# must agree with itself and with the driver.
race() {
    local db url_a url_b pid_a pid_b
    new_pg_database
    db=$pg_db
    start_server "$(free_port)" --database-url "$db"
    url_a=$url pid_a=$server_pid
    start_server "$(free_port)" --database-url "$db"
    url_b=$url pid_b=$server_pid
    $DRIVER race "$url_a" "$url_b" "$RACE_OPS" "${RACE_SEED:-20261130}" "$work/held" ||
        fail "the race saw unexpected answers"
    local began=$SECONDS
    check_drained "$db"
    echo "outbox drained and every delivery recorded $((SECONDS - began))s after the race"
    local seats duplicates held confirmed
    seats=$(sql "$db" "SELECT count(*) FROM events e WHERE seats_booked > capacity OR seats_booked <>
        (SELECT count(*) FROM bookings b WHERE b.event_id = e.id AND b.status = 'confirmed')")
    [ "$seats" = 0 ] || fail "$seats events with a seat count that is not their confirmed bookings"
    duplicates=$(sql "$db" "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status = 'confirmed'
        GROUP BY event_id, attendee_id HAVING count(*) > 1) d")
    [ "$duplicates" = 0 ] || fail "$duplicates people hold two active bookings of one event"
    sql "$db" "SELECT id FROM bookings WHERE status = 'confirmed' ORDER BY id" >"$work/confirmed"
    diff "$work/held" "$work/confirmed" >&2 || fail "the driver's bookings differ from the database's"
    held=$(grep -c . "$work/held" || true)
    confirmed=$(sql "$db" "SELECT string_agg(format('event %s: %s of %s seats, %s bookings made',
        id, seats_booked, capacity, (SELECT count(*) FROM bookings b WHERE b.event_id = e.id)), '; '
        ORDER BY id) FROM events e")
    echo "verified: $confirmed; the $held bookings the driver holds are exactly the confirmed ones"
    local process retries
    for process in "$url_a" "$url_b"; do
        retries=$(curl -s "$process/metrics" | grep -E '^boxoffice_db_retries(_exhausted)?_total' || true)
        echo "transactions retried by $process: ${retries:-none}"
    done
    kill "$pid_a" "$pid_b"; wait "$pid_a" "$pid_b" 2>/dev/null || true
}

for scenario in $scenarios; do
    say "$scenario ($mode)"
    : >"$work/server.err"
    case "$scenario" in
        kill9-sqlite) kill9 "sqlite://$work/kill9.db" ;;
        kill9-postgres) new_pg_database; kill9 "$pg_db" ;;
        postgres-restart) postgres_restart ;;
        rabbitmq-outage) rabbitmq_outage ;;
        sockets) sockets ;;
        race) race ;;
        *) echo "unknown scenario $scenario" >&2; exit 2 ;;
    esac
done
echo "fault runs ($mode): $scenarios passed"

#!/usr/bin/env bash
# Makes sure the services the tests talk to answer, starting them if needed.
# Usage: scripts/services.sh postgres [rabbitmq ...]
set -euo pipefail

wait_for() { # name, command
    local name=$1; shift
    for _ in $(seq 1 30); do
        if "$@" >/dev/null 2>&1; then echo "services: $name is up"; return 0; fi
        sleep 1
    done
    echo "services: $name did not come up" >&2
    return 1
}

port_open() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for service in "$@"; do
    case "$service" in
        postgres)
            if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
                echo "services: starting PostgreSQL"
                pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
            fi
            wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
            ;;
        rabbitmq)
            if ! port_open 5672; then
                echo "services: starting RabbitMQ"
                rabbitmq-server -detached || true
            fi
            wait_for RabbitMQ port_open 5672
            ;;
        *) echo "services: unknown service $service" >&2; exit 2 ;;
    esac
done

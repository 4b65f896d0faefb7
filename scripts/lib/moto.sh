# An S3 API on loopback for the attachment tests: moto's server (PyPI `moto[server]`).
# Sourced by scripts/test.sh (after scripts/lib/common.sh); the caller must have cd'ed
# to the repository root.
#
# moto lives in its own virtual environment, .venv-moto: its botocore requires
# python-dateutil<3, while the SDK in .venv is pinned to python-dateutil 4, and one
# environment cannot hold both.

MOTO_PIN='moto[server]==5.2.5'
moto_pid=

# start_moto: starts moto_server on a free port and exports BOXOFFICE_TEST_S3_ENDPOINT
# (read by the Rust tests) and test credentials. Call stop_moto on exit.
start_moto() {
    need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."
    if [ ! -x .venv-moto/bin/python ]; then
        echo "moto: creating the virtual environment .venv-moto"
        python3 -m venv .venv-moto || die "python3 -m venv failed (Debian: apt-get install python3-venv)."
    fi
    if [ "$(cat .venv-moto/.pin 2>/dev/null)" != "$MOTO_PIN" ]; then
        echo "moto: installing $MOTO_PIN into .venv-moto"
        .venv-moto/bin/python -m pip install --quiet --disable-pip-version-check "$MOTO_PIN"
        echo "$MOTO_PIN" > .venv-moto/.pin
    fi
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    .venv-moto/bin/moto_server -H 127.0.0.1 -p "$port" >"${TMPDIR:-/tmp}/boxoffice-moto-$port.log" 2>&1 &
    moto_pid=$!
    local endpoint="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null; then
            export BOXOFFICE_TEST_S3_ENDPOINT=$endpoint
            echo "moto: S3 API at $endpoint"
            return 0
        fi
        kill -0 "$moto_pid" 2>/dev/null || break
        sleep 0.2
    done
    cat "${TMPDIR:-/tmp}/boxoffice-moto-$port.log" >&2
    die "moto_server did not start on port $port"
}

# stop_moto: stops the server start_moto started, if it runs.
stop_moto() {
    if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    moto_pid=
}

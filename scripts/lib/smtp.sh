# A real SMTP server on loopback for the e-mail tests: aiosmtpd (PyPI), storing what it
# receives in a Maildir. Sourced by scripts/test.sh (after scripts/lib/common.sh); the
# caller must have cd'ed to the repository root.
#
# aiosmtpd lives in its own virtual environment, .venv-smtp, like moto in .venv-moto.

SMTP_PIN='aiosmtpd==1.4.6'
smtp_pid=

# start_smtp: starts aiosmtpd on a free port and exports BOXOFFICE_TEST_SMTP (host:port)
# and BOXOFFICE_TEST_SMTP_MAILDIR (where received messages land, in new/), read by the
# Rust tests. Call stop_smtp on exit.
start_smtp() {
    need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."
    if [ ! -x .venv-smtp/bin/python ]; then
        echo "smtp: creating the virtual environment .venv-smtp"
        python3 -m venv .venv-smtp || die "python3 -m venv failed (Debian: apt-get install python3-venv)."
    fi
    if [ "$(cat .venv-smtp/.pin 2>/dev/null)" != "$SMTP_PIN" ]; then
        echo "smtp: installing $SMTP_PIN into .venv-smtp"
        .venv-smtp/bin/python -m pip install --quiet --disable-pip-version-check "$SMTP_PIN"
        echo "$SMTP_PIN" > .venv-smtp/.pin
    fi
    local port maildir
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # A path that does not exist yet: aiosmtpd creates the Maildir (new/, cur/, tmp/) only then.
    maildir="$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-smtp-XXXXXX")/maildir"
    .venv-smtp/bin/python -m aiosmtpd -n -l "127.0.0.1:$port" \
        -c aiosmtpd.handlers.Mailbox "$maildir" >"${TMPDIR:-/tmp}/boxoffice-smtp-$port.log" 2>&1 &
    smtp_pid=$!
    for _ in $(seq 1 100); do
        if python3 -c "import smtplib; smtplib.SMTP('127.0.0.1', $port, timeout=1).quit()" 2>/dev/null; then
            export BOXOFFICE_TEST_SMTP="127.0.0.1:$port"
            export BOXOFFICE_TEST_SMTP_MAILDIR="$maildir"
            echo "smtp: aiosmtpd at 127.0.0.1:$port, mail in $maildir/new"
            return 0
        fi
        kill -0 "$smtp_pid" 2>/dev/null || break
        sleep 0.2
    done
    cat "${TMPDIR:-/tmp}/boxoffice-smtp-$port.log" >&2
    die "aiosmtpd did not start on port $port"
}

# stop_smtp: stops the server start_smtp started, if it runs.
stop_smtp() {
    if [ -n "$smtp_pid" ] && kill -0 "$smtp_pid" 2>/dev/null; then
        kill "$smtp_pid" 2>/dev/null || true
        wait "$smtp_pid" 2>/dev/null || true
    fi
    smtp_pid=
}

# Shared helpers of the scripts (sourced, not run). The caller must have cd'ed to the
# repository root.

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need COMMAND HINT: fails with HINT when COMMAND is not on PATH.
need() {
    command -v "$1" >/dev/null 2>&1 || die "$1 is missing. $2"
}

# ensure_venv: creates .venv (Python 3.10 or newer) if it is missing and installs
# requirements.txt into it when requirements.txt or the SDK's pyproject.toml changed
# since the last install. Safe to call again and again.
ensure_venv() {
    need python3 "Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "Python 3.10 or newer is needed; python3 is $(python3 --version 2>&1)."
    if [ ! -x .venv/bin/python ]; then
        echo "python: creating the virtual environment .venv"
        python3 -m venv .venv || die "python3 -m venv failed (Debian: apt-get install python3-venv)."
    fi
    local stamp=.venv/.requirements.sha256 want
    want=$(cat requirements.txt sdk/python/pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "python: installing requirements.txt into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
        echo "$want" > "$stamp"
    else
        echo "python: .venv is up to date with requirements.txt"
    fi
}

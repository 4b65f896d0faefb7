"""Helpers shared by the SDK tests."""

import contextlib
import datetime as dt
import os
import pathlib
import shutil
import subprocess
import tempfile
import uuid

import pytest

from event_sdk.models import SeatRequest

# Meets the password rules: 8+ characters, an upper-case letter, a digit, a special character.
PASSWORD = "Str0ng!pass"

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]


def unique(prefix="t"):
    """A short string no other test uses."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def future(days=30, hours=0):
    """An RFC 3339 instant (UTC, whole seconds) some time from now."""
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days, hours=hours)
    return moment.replace(microsecond=0).isoformat()


def person(name="Test Person"):
    """A booking body for a person with an e-mail address no other test uses."""
    return SeatRequest(name=name, email=f"{unique('p')}@example.com")


def header(response, name):
    """A response header of an ApiResponse (`*_with_http_info`), looked up in any case."""
    return {key.lower(): value for key, value in (response.headers or {}).items()}.get(name.lower())


@contextlib.contextmanager
def boxoffice_server(*args, port=0):
    """Runs `boxoffice serve` of its own on a fresh SQLite database; yields its base URL."""
    binary = os.environ.get("BOXOFFICE_BIN") or str(REPO_ROOT / "target" / "debug" / "boxoffice")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no boxoffice binary at {binary} (cargo build -p boxoffice, or set BOXOFFICE_BIN)")
    workdir = tempfile.mkdtemp(prefix="boxoffice-sdk-")
    log = open(os.path.join(workdir, "server.log"), "w")
    command = [
        binary, "serve", "--port", str(port),
        "--database-url", f"sqlite://{workdir}/boxoffice.db", "--data-dir", workdir, *args,
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                              env={**os.environ, "BCRYPT_COST": "4"})
    try:
        first_line = server.stdout.readline()  # "Boxoffice listening on http://127.0.0.1:PORT (...)"
        if not first_line.startswith("Boxoffice listening on "):
            server.wait(timeout=10)
            log.flush()
            pytest.fail(f"{' '.join(command)} did not start: {open(log.name).read()[-2000:]}")
        yield first_line.split()[3]
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)

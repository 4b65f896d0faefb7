"""The SDK usage snippet of the README, verbatim, against a server on port 8000."""

import json
import socket
import subprocess
import sys

import pytest

from event_sdk import ApiClient, Configuration
from event_sdk.api.auth_api import AuthApi
from event_sdk.api.events_api import EventsApi
from event_sdk.models import EventCreate, UserLogin, UserRegister
from support import PASSWORD, REPO_ROOT, boxoffice_server, future

# The usage snippet, as the README shows it.
USAGE_SNIPPET = """\
from event_sdk.api.events_api import EventsApi
from event_sdk import ApiClient

client = ApiClient()
events_api = EventsApi(client)

# Retrieve all events
events = events_api.get_events()

print(events)
"""


def test_the_default_host_is_the_spec_server():
    spec = json.loads((REPO_ROOT / "openapi" / "openapi.json").read_text())
    assert Configuration().host == spec["servers"][0]["url"] == "http://127.0.0.1:8000"


def port_8000_is_free():
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", 8000)) != 0


def test_usage_snippet_runs_verbatim(tmp_path):
    if not port_8000_is_free():
        pytest.skip("port 8000 is in use here; the snippet needs a server of its own there")
    with boxoffice_server(port=8000) as url:
        assert url == "http://127.0.0.1:8000"
        with ApiClient(Configuration(host=url)) as client:
            AuthApi(client).register_user(UserRegister(email="alice@example.com", username="alice", password=PASSWORD))
            client.configuration.access_token = AuthApi(client).login(
                UserLogin(username="alice", password=PASSWORD)
            ).access_token
            EventsApi(client).create_event(
                EventCreate(
                    title="Rust Meetup", location="Pune", country="IN",
                    start_time=future(10), end_time=future(10, 3), capacity=50,
                )
            )
        script = tmp_path / "usage.py"
        script.write_text(USAGE_SNIPPET)
        run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("items=[EventView(")
    assert "title='Rust Meetup'" in run.stdout
    assert "total=1" in run.stdout

"""Fixtures for the tests of the generated SDK against a running Boxoffice server.

scripts/test-sdk.sh starts a server on a fresh SQLite database, creates an admin account
and sets:

- BOXOFFICE_URL: the server's base URL (default http://127.0.0.1:8000);
- BOXOFFICE_NOTIFICATIONS_URL: where GET /notifications and /ws are served, when the two
  services run as separate processes (`serve --only events` / `--only notifications`, as
  in deploy/docker-compose.yml); default: BOXOFFICE_URL;
- BOXOFFICE_ADMIN_USERNAME, BOXOFFICE_ADMIN_PASSWORD: the admin account;
- BOXOFFICE_BIN: the boxoffice binary, for the tests that start a server of their own.

Every test makes its own events, attendees and accounts (unique names and addresses), so
the tests depend neither on each other nor on what the database already holds.
"""

import os
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from event_sdk import ApiClient, Configuration
from event_sdk.api.attendees_api import AttendeesApi
from event_sdk.api.auth_api import AuthApi
from event_sdk.api.bookings_api import BookingsApi
from event_sdk.api.events_api import EventsApi
from event_sdk.api.notifications_api import NotificationsApi
from event_sdk.api.ops_api import OpsApi
from event_sdk.models import AttendeeCreate, EventCreate, UserLogin, UserRegister
from support import PASSWORD, future, unique

BASE_URL = os.environ.get("BOXOFFICE_URL", "http://127.0.0.1:8000").rstrip("/")
NOTIFICATIONS_URL = os.environ.get("BOXOFFICE_NOTIFICATIONS_URL", BASE_URL).rstrip("/")


@dataclass
class Apis:
    """The SDK's API classes as one caller: `client` talks to the event service,
    `feed` to the notification service (the same server unless they are split)."""

    client: ApiClient
    feed: ApiClient

    def __post_init__(self):
        self.events = EventsApi(self.client)
        self.bookings = BookingsApi(self.client)
        self.attendees = AttendeesApi(self.client)
        self.auth = AuthApi(self.client)
        self.subscriptions = NotificationsApi(self.client)  # subscribe_event, unsubscribe_event
        self.notifications = NotificationsApi(self.feed)  # get_notifications, connect_websocket
        self.ops = OpsApi(self.client)

    def sign_in(self, username, password):
        """Signs in; every later call of either client sends the access token."""
        token = self.auth.login(UserLogin(username=username, password=password)).access_token
        self.client.configuration.access_token = token
        self.feed.configuration.access_token = token
        return self


def caller(base_url):
    return Apis(ApiClient(Configuration(host=base_url)), ApiClient(Configuration(host=NOTIFICATIONS_URL)))


@pytest.fixture(scope="session")
def base_url():
    try:
        with urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=5) as response:
            response.read()
    except (urllib.error.URLError, OSError) as error:
        pytest.exit(
            f"no Boxoffice server answers at {BASE_URL} ({error}); "
            "run scripts/test-sdk.sh, or start one and set BOXOFFICE_URL",
            returncode=2,
        )
    return BASE_URL


def new_account(base_url, name):
    """Registers an account; returns (UserView, password)."""
    with ApiClient(Configuration(host=base_url)) as client:
        user = AuthApi(client).register_user(
            UserRegister(email=f"{unique(name)}@example.com", username=unique(name + "_"), password=PASSWORD)
        )
    return user, PASSWORD


@pytest.fixture(scope="session")
def anonymous(base_url):
    """No credential at all: what anyone on the internet can do."""
    return caller(base_url)


@pytest.fixture(scope="session")
def organizer_account(base_url):
    return new_account(base_url, "organizer")


@pytest.fixture(scope="session")
def organizer(base_url, organizer_account):
    """A signed-in user (role `user`) who creates the tests' events and so owns them."""
    user, password = organizer_account
    return caller(base_url).sign_in(user.username, password)


@pytest.fixture(scope="session")
def stranger(base_url):
    """Another signed-in user, who owns nothing."""
    user, password = new_account(base_url, "stranger")
    return caller(base_url).sign_in(user.username, password)


@pytest.fixture(scope="session")
def admin(base_url):
    """The admin created by scripts/test-sdk.sh (`boxoffice user create --admin`)."""
    username = os.environ.get("BOXOFFICE_ADMIN_USERNAME")
    password = os.environ.get("BOXOFFICE_ADMIN_PASSWORD")
    if not username or not password:
        pytest.fail("BOXOFFICE_ADMIN_USERNAME and BOXOFFICE_ADMIN_PASSWORD are not set (scripts/test-sdk.sh sets them)")
    return caller(base_url).sign_in(username, password)


@pytest.fixture
def make_event(organizer):
    """Creates an event owned by `organizer`: make_event(capacity=5, title=..., tags=[...], ...)."""

    def make(capacity=5, days=30, **fields):
        body = {
            "title": f"SDK test {unique()}",
            "location": "Pune",
            "country": "IN",
            "start_time": future(days),
            "end_time": future(days, hours=3),
            "capacity": capacity,
        }
        body.update(fields)
        return organizer.events.create_event(EventCreate(**body))

    return make


@pytest.fixture
def register(anonymous):
    """Registers a new attendee; the result carries the one-time `token`."""

    def make(name="Registered Person", **fields):
        body = {"name": name, "email": f"{unique('r')}@example.com", **fields}
        return anonymous.attendees.create_attendee(AttendeeCreate(**body))

    return make

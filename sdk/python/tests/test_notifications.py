"""NotificationsApi: subscribe_event, unsubscribe_event, get_notifications,
connect_websocket (as far as plain HTTP goes)."""

import time

import pytest

from event_sdk.exceptions import ApiException, NotFoundException, UnauthorizedException
from event_sdk.models import EventUpdate, NotificationPage, NotificationType
from support import person


def history(apis, event_id):
    """The caller's notifications about one event, newest first (all pages)."""
    found, page = [], 1
    while True:
        batch = apis.notifications.get_notifications(page=page, page_size=100)
        found += [n for n in batch.items if n.event.id == str(event_id)]
        if page * 100 >= batch.total:
            return found
        page += 1


def wait_for(apis, event_id, count, timeout=10.0):
    """Polls until the caller has `count` notifications about the event (they are
    recorded asynchronously, by the notification service); returns them."""
    deadline = time.monotonic() + timeout
    while True:
        found = history(apis, event_id)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def kinds(notifications):
    return [n.notification_type.value for n in notifications]


def test_subscribe_and_unsubscribe(anonymous, stranger, make_event):
    event = make_event()
    for _ in range(2):  # both are idempotent
        assert stranger.subscriptions.subscribe_event_with_http_info(event.id).status_code == 204
    for _ in range(2):
        assert stranger.subscriptions.unsubscribe_event_with_http_info(event.id).status_code == 204

    with pytest.raises(UnauthorizedException) as raised:
        anonymous.subscriptions.subscribe_event(event.id)
    assert raised.value.data.code == "authentication_required"
    with pytest.raises(NotFoundException) as raised:
        stranger.subscriptions.subscribe_event(999_999_999)
    assert raised.value.data.code == "event_not_found"


def test_notification_history_of_the_owner_and_of_a_subscriber(
    anonymous, organizer, organizer_account, stranger, make_event
):
    event = make_event(capacity=3)
    stranger.subscriptions.subscribe_event(event.id)
    anonymous.bookings.book_event(event.id, person("Asha Rao"))
    organizer.events.patch_event(event.id, EventUpdate(title="Renamed"))

    # The owner hears of everything about the event, newest first.
    owned = wait_for(organizer, event.id, 3)
    assert kinds(owned) == ["event.updated", "booking.created", "event.created"]
    assert owned[0].notification_type == NotificationType.EVENT_DOT_UPDATED
    update = owned[0]
    assert update.type == "notification"
    assert update.event.id == str(event.id)
    assert update.event.title == "Renamed"
    assert update.event.action == "updated"
    assert update.event.timestamp.endswith("Z")
    assert update.user == organizer_account[0].username

    # A subscriber hears of the update (and, like every signed-in user, of the creation),
    # not of the booking.
    followed = wait_for(stranger, event.id, 2)
    assert kinds(followed) == ["event.updated", "event.created"]

    # After unsubscribing, the next update reaches the owner only.
    stranger.subscriptions.unsubscribe_event(event.id)
    organizer.events.patch_event(event.id, EventUpdate(title="Renamed again"))
    assert kinds(wait_for(organizer, event.id, 4))[0] == "event.updated"
    assert len(history(stranger, event.id)) == 2


def test_get_notifications_pages_and_needs_a_user(anonymous, organizer, make_event):
    make_event()
    page = organizer.notifications.get_notifications(page=1, page_size=1)
    assert isinstance(page, NotificationPage)
    assert page.page == 1 and page.page_size == 1 and len(page.items) == 1 and page.total >= 1
    with pytest.raises(UnauthorizedException) as raised:
        anonymous.notifications.get_notifications()
    assert raised.value.data.code == "authentication_required"


def test_connect_websocket_is_not_for_plain_http(anonymous):
    # The generated SDK speaks HTTP only: GET /ws without the upgrade handshake is
    # refused, which is all it can do with this operation. (WebSocket clients connect
    # to the same URL with a WebSocket library.)
    with pytest.raises(ApiException) as raised:
        anonymous.notifications.connect_websocket()
    assert raised.value.status == 426
    assert raised.value.data.code

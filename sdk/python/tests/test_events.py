"""EventsApi: create_event, get_events (every filter), get_event, patch_event,
update_event, delete_event, get_event_attendees, and who may call them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from event_sdk.exceptions import ForbiddenException, NotFoundException, UnauthorizedException
from event_sdk.models import EventCreate, EventPage, EventStatusName, EventUpdate, EventView, GeoPoint
from support import future, header, person, unique


def test_create_event_answers_201_with_location_and_normalised_fields(organizer, organizer_account):
    local_start = (dt.datetime.now() + dt.timedelta(days=40)).replace(hour=18, minute=0, second=0, microsecond=0)
    body = EventCreate(
        title="Rust Meetup",
        description="Talks and pizza",
        location="Paris",
        country="France",  # English names and alpha-3 codes are understood
        timezone="Europe/Paris",
        start_time=local_start.strftime("%Y-%m-%dT%H:%M:%S"),  # wall-clock time in Europe/Paris
        end_time=(local_start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S"),
        capacity=5,
        tags=["Rust", "meetup", "rust"],
        coordinates=GeoPoint(type="Point", coordinates=[2.3522, 48.8566]),
        attachment_url="https://example.com/agenda.pdf",
    )
    response = organizer.events.create_event_with_http_info(body)

    assert response.status_code == 201
    event = response.data
    assert isinstance(event, EventView)
    assert header(response, "Location") == f"/events/{event.id}"
    assert event.title == "Rust Meetup"
    assert event.country == "FR"
    assert event.timezone == "Europe/Paris"
    assert event.tags == ["meetup", "rust"]
    assert (event.capacity, event.seats_booked, event.seats_available) == (5, 0, 5)
    assert event.status == EventStatusName.SCHEDULED
    assert event.coordinates.coordinates == [2.3522, 48.8566]
    assert event.attachment_url == "https://example.com/agenda.pdf"
    assert event.created_by == organizer_account[0].username
    # The wall-clock time was read in the event's zone and comes back with that zone's offset.
    offset = local_start.replace(tzinfo=ZoneInfo("Europe/Paris")).strftime("%z")
    assert event.start_time == local_start.strftime("%Y-%m-%dT%H:%M:%S") + f"{offset[:3]}:{offset[3:]}"


def test_create_event_needs_a_signed_in_user(anonymous):
    body = EventCreate(
        title="No owner", location="Pune", country="IN", start_time=future(5), end_time=future(5, 2), capacity=5
    )
    with pytest.raises(UnauthorizedException) as raised:
        anonymous.events.create_event(body)
    assert raised.value.data.code == "authentication_required"

    anonymous.client.configuration.access_token = "not.a.jwt"
    try:
        with pytest.raises(UnauthorizedException) as raised:
            anonymous.events.create_event(body)
        assert raised.value.data.code == "invalid_token"
    finally:
        anonymous.client.configuration.access_token = None


def test_get_event_is_public_and_renders_times_in_the_requested_zone(anonymous, make_event):
    created = make_event(timezone="Asia/Kolkata")

    same = anonymous.events.get_event(created.id)
    assert same == created
    assert same.start_time.endswith("+05:30")

    in_utc = anonymous.events.get_event(created.id, tz="UTC")
    assert in_utc.start_time.endswith("+00:00")
    assert in_utc.timezone == "Asia/Kolkata"  # the event's own zone is unchanged
    assert dt.datetime.fromisoformat(in_utc.start_time) == dt.datetime.fromisoformat(same.start_time)


def test_get_events_lists_upcoming_events_by_default(anonymous, make_event):
    created = make_event()
    page = anonymous.events.get_events(page_size=100, sort="-created_at")
    assert isinstance(page, EventPage)
    assert page.page == 1 and page.page_size == 100
    assert page.total >= 1
    assert created.id in [event.id for event in page.items]


def test_get_events_filters(anonymous, organizer, make_event):
    tag = unique("tag")
    word = unique("word")
    first = make_event(title=f"Alpha {word}", tags=[tag], country="IN", days=10)
    second = make_event(title="Beta", description=f"about {word}", tags=[tag], country="FR", days=20)
    third = make_event(title="Gamma", tags=[tag, "other"], country="US", days=30)

    def ids(**filters):
        return [event.id for event in anonymous.events.get_events(tag=tag, page_size=100, **filters).items]

    assert ids() == [first.id, second.id, third.id]  # default order: start_time
    assert ids(sort="-start_time") == [third.id, second.id, first.id]
    assert ids(sort="-title") == [third.id, second.id, first.id]
    assert ids(country="FR") == [second.id]
    assert ids(country="usa") == [third.id]
    assert ids(q=word.upper()) == [first.id, second.id]  # title or description, any case
    assert ids(var_from=future(15)) == [second.id, third.id]
    assert ids(to=future(15)) == [first.id]
    assert ids(var_from=future(15), to=future(25)) == [second.id]
    assert ids(when="all") == [first.id, second.id, third.id]
    assert ids(when="past") == []
    assert ids(status=EventStatusName.SCHEDULED) == [first.id, second.id, third.id]
    assert ids(status=EventStatusName.CANCELED) == []

    organizer.events.patch_event(second.id, EventUpdate(status=EventStatusName.CANCELED))
    assert ids(status="canceled") == [second.id]

    # Pagination: total counts every match, pages hold page_size items.
    page_two = anonymous.events.get_events(tag=tag, page=2, page_size=2)
    assert page_two.total == 3 and page_two.page == 2 and page_two.page_size == 2
    assert [event.id for event in page_two.items] == [third.id]
    past_the_end = anonymous.events.get_events(tag=tag, page=5, page_size=2)
    assert past_the_end.items == [] and past_the_end.total == 3

    # tz renders every listed event's times in that zone.
    in_paris = anonymous.events.get_events(tag=tag, tz="Europe/Paris").items
    assert all(event.start_time[-6:] in ("+01:00", "+02:00") for event in in_paris)


def test_patch_event_changes_given_fields_and_null_clears(organizer, make_event):
    created = make_event(
        capacity=10,
        description="To be removed",
        attachment_url="https://example.com/a.pdf",
        coordinates=GeoPoint(type="Point", coordinates=[73.8567, 18.5204]),
    )
    updated = organizer.events.patch_event(
        created.id,
        EventUpdate(title="Renamed", capacity=12, attachment_url=None, description=None, coordinates=None),
    )
    assert updated.title == "Renamed"
    assert (updated.capacity, updated.seats_available) == (12, 12)
    assert updated.attachment_url is None
    assert updated.description is None
    assert updated.coordinates is None
    assert updated.location == created.location  # absent: unchanged
    assert updated.start_time == created.start_time
    assert organizer.events.get_event(created.id) == updated


def test_update_event_put_takes_a_partial_body(organizer, make_event):
    created = make_event(tags=["one", "two"])
    updated = organizer.events.update_event(created.id, EventUpdate(location="Mumbai", tags=[]))
    assert updated.location == "Mumbai"
    assert updated.tags == []
    assert updated.title == created.title
    assert updated.capacity == created.capacity


def test_only_the_owner_or_an_admin_changes_an_event(anonymous, stranger, admin, make_event):
    event = make_event()
    change = EventUpdate(title="Hijacked")

    with pytest.raises(UnauthorizedException):
        anonymous.events.patch_event(event.id, change)
    for call in (stranger.events.patch_event, stranger.events.update_event):
        with pytest.raises(ForbiddenException) as raised:
            call(event.id, change)
        assert raised.value.status == 403
        assert raised.value.data.code == "forbidden"
    with pytest.raises(ForbiddenException):
        stranger.events.delete_event(event.id)

    assert admin.events.patch_event(event.id, EventUpdate(title="Fixed by an admin")).title == "Fixed by an admin"
    assert admin.events.delete_event_with_http_info(event.id).status_code == 204


def test_delete_event_answers_204_and_the_event_is_gone(organizer, anonymous, make_event):
    created = make_event()
    anonymous.bookings.book_event(created.id, person())

    response = organizer.events.delete_event_with_http_info(created.id)
    assert response.status_code == 204
    assert response.data is None

    with pytest.raises(NotFoundException) as raised:
        anonymous.events.get_event(created.id)
    assert raised.value.data.code == "event_not_found"
    with pytest.raises(NotFoundException):
        organizer.events.delete_event(created.id)


def test_get_event_attendees_lists_confirmed_bookings_in_booking_order(
    organizer, anonymous, stranger, admin, make_event
):
    event = make_event(capacity=10)
    asha = anonymous.bookings.book_event(event.id, person("Asha Rao"))
    ravi = anonymous.bookings.book_event(event.id, person("Ravi Kumar"))
    mira = anonymous.bookings.book_event(event.id, person("Mira Shah"))
    anonymous.bookings.cancel_booking(ravi.id, x_cancel_token=ravi.cancel_token)

    attendees = organizer.events.get_event_attendees(event.id)
    assert attendees.total == 2
    assert [a.name for a in attendees.items] == ["Asha Rao", "Mira Shah"]
    assert [a.id for a in attendees.items] == [asha.attendee.id, mira.attendee.id]
    assert attendees.items[0].email == asha.attendee.email

    second_page = organizer.events.get_event_attendees(event.id, page=2, page_size=1)
    assert [a.name for a in second_page.items] == ["Mira Shah"]
    assert second_page.total == 2
    assert admin.events.get_event_attendees(event.id).total == 2

    with pytest.raises(UnauthorizedException):
        anonymous.events.get_event_attendees(event.id)
    with pytest.raises(ForbiddenException):
        stranger.events.get_event_attendees(event.id)
    with pytest.raises(NotFoundException) as raised:
        organizer.events.get_event_attendees(999_999_999)
    assert raised.value.data.code == "event_not_found"

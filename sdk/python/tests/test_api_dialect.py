"""The `/api` dialect through the generated SDK: api_create_event, api_get_events (a bare
list, the total in X-Total-Count), api_create_attendee, api_create_booking, api_get_bookings,
api_cancel_booking, api_delete_event, beside the main API's methods of the same classes."""

import datetime as dt

import pytest

from event_sdk.exceptions import BadRequestException, UnauthorizedException
from event_sdk.models import ApiAttendeeInput, ApiEventChanges, ApiEventInput, BookingCreate
from support import header, unique


def wall_clock(days, hour):
    day = dt.date.today() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00"


def test_an_event_round_trips_in_the_dialects_shapes(organizer, anonymous):
    title = f"Symfony Conference {unique()}"
    body = ApiEventInput(title=title, description="Learn about Symfony", country="France", capacity=1,
                         start_date=wall_clock(40, 10), end_date=wall_clock(40, 18))
    created = organizer.events.api_create_event_with_http_info(body)
    assert created.status_code == 201
    event = created.data
    assert header(created, "Location") == f"/api/events/{event.id}"
    assert (event.title, event.country, event.capacity) == (title, "France", 1)
    assert (event.start_date, event.end_date) == (wall_clock(40, 10), wall_clock(40, 18))

    listed = anonymous.events.api_get_events_with_http_info(q=title)
    assert [e.id for e in listed.data] == [event.id]
    assert header(listed, "X-Total-Count") == "1"

    renamed = organizer.events.api_update_event(event.id, ApiEventChanges(title=f"{title} 2025"))
    assert renamed.title == f"{title} 2025" and renamed.start_date == event.start_date
    assert organizer.events.api_delete_event(event.id).message == "Event deleted"


def test_an_attendee_books_with_their_token_and_hears_the_documented_refusals(organizer, anonymous):
    event = organizer.events.api_create_event(
        ApiEventInput(title=f"Tiny {unique()}", country="FR", capacity=1, start_date=wall_clock(41, 9)))
    john = anonymous.attendees.api_create_attendee(ApiAttendeeInput(name="John Doe", email=f"{unique('john')}@example.com"))
    jane = anonymous.attendees.api_create_attendee(ApiAttendeeInput(name="Jane Roe", email=f"{unique('jane')}@example.com"))

    with pytest.raises(UnauthorizedException):
        anonymous.bookings.api_create_booking(BookingCreate(event_id=event.id, attendee_id=john.id))
    booking = anonymous.bookings.api_create_booking(BookingCreate(event_id=event.id, attendee_id=john.id),
                                                    x_attendee_token=john.token)
    assert (booking.attendee, booking.event) == ("John Doe", event.title)
    with pytest.raises(BadRequestException) as again:
        anonymous.bookings.api_create_booking(BookingCreate(event_id=event.id, attendee_id=john.id),
                                              x_attendee_token=john.token)
    assert "Attendee already booked this event" in again.value.body
    with pytest.raises(BadRequestException) as full:
        anonymous.bookings.api_create_booking(BookingCreate(event_id=event.id, attendee_id=jane.id),
                                              x_attendee_token=jane.token)
    assert "Event is fully booked" in full.value.body

    own = anonymous.bookings.api_get_bookings(x_attendee_token=john.token)
    assert [b.id for b in own] == [booking.id]
    cancelled = anonymous.bookings.api_cancel_booking(booking.id, x_attendee_token=john.token)
    assert cancelled.message == "Booking cancelled"
    assert anonymous.bookings.api_create_booking(
        BookingCreate(event_id=event.id, attendee_id=jane.id), x_attendee_token=jane.token).attendee == "Jane Roe"

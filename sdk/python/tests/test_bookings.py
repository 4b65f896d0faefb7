"""BookingsApi: book_event, register_for_event, create_booking, get_bookings, get_booking,
cancel_booking; the seat rules and Idempotency-Key."""

import pytest

from event_sdk.exceptions import (
    ApiException,
    BadRequestException,
    ForbiddenException,
    NotFoundException,
    UnauthorizedException,
)
from event_sdk.models import BookingCreate, BookingPage, BookingStatusName, BookingView, EventStatusName, EventUpdate
from support import header, person, unique


def test_five_seats_sixth_refused_cancellation_frees_one(anonymous, organizer, make_event):
    event = make_event(capacity=5)
    bookings = [anonymous.bookings.book_event(event.id, person(f"Guest {n}")) for n in range(1, 6)]
    assert all(b.status == BookingStatusName.CONFIRMED for b in bookings)
    assert anonymous.events.get_event(event.id).seats_available == 0

    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.book_event(event.id, person("Guest 6"))
    problem = raised.value.data
    assert raised.value.status == 400
    assert problem.code == "event_full"
    assert problem.title == "Event is fully booked"
    assert problem.status == 400
    assert problem.type == "urn:boxoffice:problem:event_full"

    first = bookings[0]
    cancelled = anonymous.bookings.cancel_booking(first.id, x_cancel_token=first.cancel_token)
    assert cancelled.status == BookingStatusName.CANCELLED
    assert cancelled.cancelled_at is not None
    assert cancelled.cancel_token is None  # shown once, in the 201 response only
    live = anonymous.events.get_event(event.id)
    assert (live.seats_booked, live.seats_available) == (4, 1)

    # Cancelling again changes nothing and answers the same.
    again = anonymous.bookings.cancel_booking(first.id, x_cancel_token=first.cancel_token)
    assert again == cancelled
    assert anonymous.events.get_event(event.id).seats_available == 1

    sixth = anonymous.bookings.book_event(event.id, person("Guest 6"))
    assert sixth.status == BookingStatusName.CONFIRMED
    assert anonymous.events.get_event(event.id).seats_available == 0


def test_book_event_answers_201_with_location_and_cancel_token(anonymous, make_event):
    event = make_event()
    body = person("Asha Rao")
    response = anonymous.bookings.book_event_with_http_info(event.id, body)
    assert response.status_code == 201
    booking = response.data
    assert isinstance(booking, BookingView)
    assert header(response, "Location") == f"/bookings/{booking.id}"
    assert booking.event_id == event.id
    assert booking.attendee.name == "Asha Rao"
    assert booking.attendee.email == body.email
    assert len(booking.cancel_token) == 43
    assert booking.cancelled_at is None


def test_register_for_event_is_the_same_as_booking(anonymous, organizer, make_event):
    event = make_event(capacity=1)
    booking = anonymous.bookings.register_for_event(event.id, person("Ravi Kumar"))
    assert booking.status == BookingStatusName.CONFIRMED
    assert booking.event_id == event.id
    assert anonymous.events.get_event(event.id).seats_available == 0
    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.register_for_event(event.id, person())
    assert raised.value.data.code == "event_full"


def test_already_booked_then_allowed_again_after_cancelling(anonymous, make_event):
    event = make_event()
    body = person("Asha Rao")
    booking = anonymous.bookings.book_event(event.id, body)

    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.book_event(event.id, body)
    assert raised.value.data.code == "already_booked"
    assert raised.value.data.title == "Attendee already booked this event"

    # The e-mail address is compared case-insensitively.
    shouting = body.model_copy(update={"email": body.email.upper()})
    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.register_for_event(event.id, shouting)
    assert raised.value.data.code == "already_booked"

    anonymous.bookings.cancel_booking(booking.id, x_cancel_token=booking.cancel_token)
    rebooked = anonymous.bookings.book_event(event.id, body)
    assert rebooked.id != booking.id
    assert rebooked.attendee.id == booking.attendee.id


def test_event_not_bookable_when_canceled(anonymous, organizer, make_event):
    event = make_event()
    organizer.events.patch_event(event.id, EventUpdate(status=EventStatusName.CANCELED))
    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.book_event(event.id, person())
    assert raised.value.data.code == "event_not_bookable"


def test_idempotency_key_replays_the_first_response(anonymous, organizer, make_event):
    event = make_event(capacity=3)
    key = unique("order-")
    body = person("Asha Rao")

    first = anonymous.bookings.book_event_with_http_info(event.id, body, idempotency_key=key)
    repeat = anonymous.bookings.book_event_with_http_info(event.id, body, idempotency_key=key)
    assert first.status_code == repeat.status_code == 201
    assert repeat.data == first.data
    assert header(repeat, "Idempotent-Replayed") == "true"
    assert header(first, "Idempotent-Replayed") is None
    assert anonymous.events.get_event(event.id).seats_booked == 1

    # The same key with another body is refused.
    with pytest.raises(ApiException) as raised:
        anonymous.bookings.book_event(event.id, person("Someone Else"), idempotency_key=key)
    assert raised.value.status == 422
    assert raised.value.data.code == "idempotency_key_reused"


def test_create_booking_with_the_attendee_token(anonymous, make_event, register):
    event = make_event()
    attendee = register("John Smith")
    key = unique("key-")

    response = anonymous.bookings.create_booking_with_http_info(
        BookingCreate(event_id=event.id, attendee_id=attendee.id),
        x_attendee_token=attendee.token,
        idempotency_key=key,
    )
    assert response.status_code == 201
    booking = response.data
    assert header(response, "Location") == f"/bookings/{booking.id}"
    assert booking.attendee.id == attendee.id
    assert booking.attendee.name == "John Smith"
    assert booking.cancel_token

    replay = anonymous.bookings.create_booking(
        BookingCreate(event_id=event.id, attendee_id=attendee.id),
        x_attendee_token=attendee.token,
        idempotency_key=key,
    )
    assert replay.id == booking.id
    assert anonymous.events.get_event(event.id).seats_booked == 1

    with pytest.raises(BadRequestException) as raised:
        anonymous.bookings.create_booking(
            BookingCreate(event_id=event.id, attendee_id=attendee.id), x_attendee_token=attendee.token
        )
    assert raised.value.data.code == "already_booked"


def test_create_booking_needs_the_token_of_that_attendee(anonymous, make_event, register):
    event = make_event()
    john, jane = register("John"), register("Jane")
    body = BookingCreate(event_id=event.id, attendee_id=john.id)

    with pytest.raises(UnauthorizedException) as raised:
        anonymous.bookings.create_booking(body)
    assert raised.value.data.code == "authentication_required"

    with pytest.raises(UnauthorizedException):
        anonymous.bookings.create_booking(body, x_attendee_token="not-a-token")

    with pytest.raises(ForbiddenException) as raised:
        anonymous.bookings.create_booking(body, x_attendee_token=jane.token)
    assert raised.value.status == 403
    assert raised.value.data.code == "forbidden"

    with pytest.raises(NotFoundException) as raised:
        anonymous.bookings.create_booking(
            BookingCreate(event_id=999_999_999, attendee_id=john.id), x_attendee_token=john.token
        )
    assert raised.value.data.code == "event_not_found"


def test_get_booking_with_either_token(anonymous, make_event, register):
    event = make_event()
    attendee = register("John")
    booking = anonymous.bookings.create_booking(
        BookingCreate(event_id=event.id, attendee_id=attendee.id), x_attendee_token=attendee.token
    )

    by_cancel_token = anonymous.bookings.get_booking(booking.id, x_cancel_token=booking.cancel_token)
    by_attendee_token = anonymous.bookings.get_booking(booking.id, x_attendee_token=attendee.token)
    assert by_cancel_token == by_attendee_token
    assert by_cancel_token.id == booking.id
    assert by_cancel_token.status == BookingStatusName.CONFIRMED
    assert by_cancel_token.cancel_token is None

    in_utc = anonymous.bookings.get_booking(booking.id, x_cancel_token=booking.cancel_token, tz="UTC")
    assert in_utc.created_at.endswith("+00:00")

    with pytest.raises(UnauthorizedException) as raised:
        anonymous.bookings.get_booking(booking.id)
    assert raised.value.data.code == "authentication_required"

    # A token that does not fit looks exactly like a booking that does not exist.
    with pytest.raises(NotFoundException) as wrong:
        anonymous.bookings.get_booking(booking.id, x_cancel_token="wrong")
    with pytest.raises(NotFoundException) as missing:
        anonymous.bookings.get_booking(999_999_999, x_cancel_token="wrong")
    assert wrong.value.data.code == missing.value.data.code == "booking_not_found"


def test_cancel_booking_with_the_attendee_token(anonymous, make_event, register):
    event = make_event(capacity=1)
    attendee = register("John")
    booking = anonymous.bookings.create_booking(
        BookingCreate(event_id=event.id, attendee_id=attendee.id), x_attendee_token=attendee.token
    )
    assert anonymous.events.get_event(event.id).seats_available == 0

    cancelled = anonymous.bookings.cancel_booking(booking.id, x_attendee_token=attendee.token)
    assert cancelled.status == BookingStatusName.CANCELLED
    assert anonymous.events.get_event(event.id).seats_available == 1

    with pytest.raises(UnauthorizedException):
        anonymous.bookings.cancel_booking(booking.id)
    with pytest.raises(NotFoundException) as raised:
        anonymous.bookings.cancel_booking(booking.id, x_cancel_token="wrong")
    assert raised.value.data.code == "booking_not_found"


def test_get_bookings_for_an_admin_or_the_attendee(anonymous, organizer, admin, make_event, register):
    event = make_event(capacity=10)
    other_event = make_event(capacity=10)
    john = register("John")
    walk_in = anonymous.bookings.book_event(event.id, person("Walk In"))
    johns = anonymous.bookings.create_booking(
        BookingCreate(event_id=event.id, attendee_id=john.id), x_attendee_token=john.token
    )
    johns_other = anonymous.bookings.create_booking(
        BookingCreate(event_id=other_event.id, attendee_id=john.id), x_attendee_token=john.token
    )

    for_event = admin.bookings.get_bookings(event_id=event.id)
    assert isinstance(for_event, BookingPage)
    assert for_event.total == 2
    assert [b.id for b in for_event.items] == [walk_in.id, johns.id]  # ordered by id

    everything = admin.bookings.get_bookings(page_size=1)
    assert everything.total >= 3 and len(everything.items) == 1
    paged = admin.bookings.get_bookings(event_id=event.id, page=2, page_size=1, tz="UTC")
    assert [b.id for b in paged.items] == [johns.id]
    assert paged.items[0].created_at.endswith("+00:00")

    own = anonymous.bookings.get_bookings(x_attendee_token=john.token)
    assert [b.id for b in own.items] == [johns.id, johns_other.id]
    own_for_event = anonymous.bookings.get_bookings(x_attendee_token=john.token, event_id=other_event.id)
    assert [b.id for b in own_for_event.items] == [johns_other.id]

    with pytest.raises(UnauthorizedException):
        anonymous.bookings.get_bookings()
    with pytest.raises(UnauthorizedException):
        anonymous.bookings.get_bookings(x_attendee_token="not-a-token")
    with pytest.raises(ForbiddenException):
        organizer.bookings.get_bookings()  # a user, but not an admin


def test_the_event_owner_and_admins_see_and_cancel_bookings(anonymous, organizer, stranger, admin, make_event):
    event = make_event(capacity=2)
    first = anonymous.bookings.book_event(event.id, person("First"))
    second = anonymous.bookings.book_event(event.id, person("Second"))

    assert organizer.bookings.get_booking(first.id).id == first.id
    assert admin.bookings.get_booking(first.id).id == first.id
    with pytest.raises(NotFoundException) as raised:
        stranger.bookings.get_booking(first.id)  # looks like a booking that does not exist
    assert raised.value.data.code == "booking_not_found"

    assert organizer.bookings.cancel_booking(first.id).status == BookingStatusName.CANCELLED
    assert admin.bookings.cancel_booking(second.id).status == BookingStatusName.CANCELLED
    assert anonymous.events.get_event(event.id).seats_available == 2

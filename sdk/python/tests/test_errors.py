"""Error responses: each raises a typed ApiException subclass carrying the
problem+json document, parsed (`data`, a Problem) and raw (`body`)."""

import json

import pydantic
import pytest

from event_sdk.exceptions import (
    ApiException,
    BadRequestException,
    NotFoundException,
    UnauthorizedException,
    UnprocessableEntityException,
)
from event_sdk.models import EventCreate, EventUpdate, Problem
from support import future, person


def test_unknown_event_is_404_event_not_found(anonymous, organizer):
    with pytest.raises(NotFoundException) as raised:
        anonymous.events.get_event(999_999_999)
    error = raised.value
    assert isinstance(error, ApiException)
    assert error.status == 404
    assert error.headers["content-type"] == "application/problem+json"
    assert isinstance(error.data, Problem)
    assert error.data.code == "event_not_found"
    assert error.data.status == 404
    assert error.data.type == "urn:boxoffice:problem:event_not_found"
    assert error.data.detail
    assert json.loads(error.body)["code"] == "event_not_found"
    assert "event_not_found" in str(error)

    with pytest.raises(NotFoundException) as raised:
        anonymous.bookings.book_event(999_999_999, person())
    assert raised.value.data.code == "event_not_found"

    with pytest.raises(NotFoundException) as raised:
        organizer.events.patch_event(999_999_999, EventUpdate(title="x"))
    assert raised.value.data.code == "event_not_found"


def test_event_full_and_already_booked_are_400(anonymous, make_event):
    event = make_event(capacity=2)
    body = person()
    anonymous.bookings.book_event(event.id, body)

    with pytest.raises(BadRequestException) as already:
        anonymous.bookings.book_event(event.id, body)
    anonymous.bookings.book_event(event.id, person())
    with pytest.raises(BadRequestException) as full:
        anonymous.bookings.book_event(event.id, person())
    assert (already.value.status, already.value.data.code) == (400, "already_booked")
    assert (full.value.status, full.value.data.code) == (400, "event_full")


def test_validation_failure_is_422_with_every_field(organizer):
    body = EventCreate(
        title="Somewhere",
        location="Nowhere",
        country="Atlantis",
        start_time=future(10),
        end_time=future(9),
        capacity=10,
    )
    with pytest.raises(UnprocessableEntityException) as raised:
        organizer.events.create_event(body)
    problem = raised.value.data
    assert raised.value.status == 422
    assert problem.code == "validation_failed"
    assert problem.title == "Request validation failed"
    assert sorted(field.field for field in problem.errors) == ["country", "end_time"]
    assert all(field.message for field in problem.errors)


def test_invalid_query_values(anonymous, make_event):
    with pytest.raises(UnprocessableEntityException) as raised:
        anonymous.events.get_events(when="someday")
    assert raised.value.data.code == "validation_failed"
    assert raised.value.data.errors[0].field == "when"

    event = make_event()
    with pytest.raises(BadRequestException) as raised:
        anonymous.events.get_event(event.id, tz="Mars/Olympus_Mons")
    assert raised.value.data.code == "invalid_timezone"


def test_capacity_below_seats_booked_is_refused(anonymous, organizer, make_event):
    event = make_event(capacity=2)
    anonymous.bookings.book_event(event.id, person())
    anonymous.bookings.book_event(event.id, person())
    with pytest.raises(UnprocessableEntityException) as raised:
        organizer.events.patch_event(event.id, EventUpdate(capacity=1))
    assert raised.value.data.code == "validation_failed"
    assert anonymous.events.get_event(event.id).capacity == 2


def test_missing_token_is_401(anonymous, register):
    john = register()
    with pytest.raises(UnauthorizedException) as raised:
        anonymous.attendees.get_attendee(john.id)
    assert raised.value.status == 401
    assert raised.value.data.code == "authentication_required"
    with pytest.raises(UnauthorizedException) as raised:
        anonymous.bookings.get_booking(1)
    assert raised.value.data.code == "authentication_required"


def test_the_sdk_checks_the_spec_limits_before_sending(anonymous):
    # minimum/maximum from the spec are enforced by the generated models: nothing is sent.
    with pytest.raises(pydantic.ValidationError):
        EventUpdate(capacity=0)
    with pytest.raises(pydantic.ValidationError):
        EventUpdate(title="x" * 101)
    # Parameters are type-checked too.
    with pytest.raises(pydantic.ValidationError):
        anonymous.events.get_event("not-a-number")

"""AttendeesApi: create_attendee, get_attendees, get_attendee, update_attendee,
delete_attendee, with the X-Attendee-Token rules."""

import math

import pytest

from event_sdk.exceptions import ConflictException, ForbiddenException, NotFoundException, UnauthorizedException
from event_sdk.models import AttendeeCreate, AttendeePage, AttendeeRegistered, AttendeeUpdate, AttendeeView, BookingCreate
from support import header, unique


def test_create_attendee_answers_201_with_a_one_time_token(anonymous):
    email = f"{unique('john')}@example.com"
    response = anonymous.attendees.create_attendee_with_http_info(
        AttendeeCreate(name="  John Smith ", email=email, phone="+91 98765-43210", locale="pt_br")
    )
    assert response.status_code == 201
    attendee = response.data
    assert isinstance(attendee, AttendeeRegistered)
    assert header(response, "Location") == f"/attendees/{attendee.id}"
    assert attendee.name == "John Smith"
    assert attendee.email == email
    assert attendee.phone == "+919876543210"
    assert attendee.locale == "pt-BR"
    assert len(attendee.token) == 43

    with pytest.raises(ConflictException) as raised:
        anonymous.attendees.create_attendee(AttendeeCreate(name="Twin", email=email.upper()))
    assert raised.value.status == 409
    assert raised.value.data.code == "email_taken"


def test_get_attendee_needs_its_token(anonymous, register):
    john, jane = register("John"), register("Jane")

    record = anonymous.attendees.get_attendee(john.id, x_attendee_token=john.token)
    assert isinstance(record, AttendeeView)
    assert (record.id, record.name, record.email) == (john.id, "John", john.email)
    assert "token" not in record.to_dict()  # the token is shown only once
    assert anonymous.attendees.get_attendee(john.id, x_attendee_token=john.token, tz="UTC").created_at.endswith("+00:00")

    with pytest.raises(UnauthorizedException) as raised:
        anonymous.attendees.get_attendee(john.id)
    assert raised.value.data.code == "authentication_required"

    with pytest.raises(UnauthorizedException):
        anonymous.attendees.get_attendee(john.id, x_attendee_token="not-a-token")

    # Another attendee's valid token: the same 404 as for an unknown attendee.
    with pytest.raises(NotFoundException) as raised:
        anonymous.attendees.get_attendee(john.id, x_attendee_token=jane.token)
    assert raised.value.data.code == "attendee_not_found"


def test_get_attendees_is_for_admins(anonymous, organizer, admin, register):
    first = register("First")
    second = register("Second")
    probe = admin.attendees.get_attendees(page_size=100)
    assert isinstance(probe, AttendeePage)
    # The newest are at the end: on the last page, or across the last two.
    last = math.ceil(probe.total / 100)
    ids = [a.id for page in (last - 1, last) if page >= 1
           for a in admin.attendees.get_attendees(page=page, page_size=100).items]
    assert ids == sorted(ids)
    assert ids[-2:] == [first.id, second.id]
    assert admin.attendees.get_attendees(page_size=1, tz="UTC").items[0].created_at.endswith("+00:00")

    with pytest.raises(UnauthorizedException):
        anonymous.attendees.get_attendees()
    with pytest.raises(ForbiddenException):
        organizer.attendees.get_attendees()


def test_an_admin_manages_any_attendee_record(admin, organizer, register):
    john = register("John")
    assert admin.attendees.get_attendee(john.id).email == john.email
    assert admin.attendees.update_attendee(john.id, AttendeeUpdate(name="Johnny")).name == "Johnny"
    with pytest.raises(ForbiddenException):
        organizer.attendees.get_attendee(john.id)  # a user who is neither the attendee nor an admin
    assert admin.attendees.delete_attendee_with_http_info(john.id).status_code == 204


def test_update_attendee_changes_given_fields_and_null_removes_the_phone(anonymous, register):
    john = register("John Smith", phone="+919876543210")
    new_email = f"{unique('johnny')}@example.com"

    updated = anonymous.attendees.update_attendee(
        john.id, AttendeeUpdate(name="John A. Smith", phone=None, email=new_email), x_attendee_token=john.token
    )
    assert updated.name == "John A. Smith"
    assert updated.phone is None
    assert updated.email == new_email
    assert updated.locale == john.locale  # absent: unchanged
    assert anonymous.attendees.get_attendee(john.id, x_attendee_token=john.token) == updated

    jane = register("Jane")
    with pytest.raises(ConflictException) as raised:
        anonymous.attendees.update_attendee(jane.id, AttendeeUpdate(email=new_email), x_attendee_token=jane.token)
    assert raised.value.data.code == "email_taken"

    with pytest.raises(UnauthorizedException):
        anonymous.attendees.update_attendee(john.id, AttendeeUpdate(name="Nobody"))


def test_delete_attendee_erases_the_record_and_frees_its_seats(
    anonymous, make_event, register
):
    event = make_event(capacity=1)
    john = register("John")
    booking = anonymous.bookings.create_booking(
        BookingCreate(event_id=event.id, attendee_id=john.id), x_attendee_token=john.token
    )
    assert anonymous.events.get_event(event.id).seats_available == 0

    with pytest.raises(UnauthorizedException):
        anonymous.attendees.delete_attendee(john.id)

    response = anonymous.attendees.delete_attendee_with_http_info(john.id, x_attendee_token=john.token)
    assert response.status_code == 204
    assert anonymous.events.get_event(event.id).seats_available == 1

    # The token died with the record; the booking is gone too.
    with pytest.raises(UnauthorizedException):
        anonymous.attendees.get_attendee(john.id, x_attendee_token=john.token)
    with pytest.raises(NotFoundException):
        anonymous.bookings.get_booking(booking.id, x_cancel_token=booking.cancel_token)

#!/usr/bin/env python3
"""A walk through the Boxoffice Python SDK: sign in, list the upcoming events, create an
event, book its seats while watching the live seat count, get refused when it is full,
cancel a booking and book the freed seat.

    .venv/bin/python sdk/python/examples/walkthrough.py [--host URL]
                     [--username NAME --password SECRET] [--keep]

Without --username it registers a demo account first. The event it creates is deleted at
the end unless --keep is given. The server's address also comes from BOXOFFICE_URL.
"""

import argparse
import datetime as dt
import os
import secrets
import sys

import urllib3

from event_sdk import ApiClient, Configuration
from event_sdk.api.auth_api import AuthApi
from event_sdk.api.bookings_api import BookingsApi
from event_sdk.api.events_api import EventsApi
from event_sdk.exceptions import ApiException, BadRequestException
from event_sdk.models import EventCreate, SeatRequest, UserLogin, UserRegister

GUESTS = [
    ("Asha Rao", "asha.rao"),
    ("Ravi Kumar", "ravi.kumar"),
    ("Mira Shah", "mira.shah"),
    ("Sam Lee", "sam.lee"),
]


def heading(text):
    print(f"\n== {text}")


def when(event):
    start = dt.datetime.fromisoformat(event.start_time)
    return start.strftime("%a %d %b %Y %H:%M") + f" ({event.timezone})"


def seats(event):
    bar = "#" * event.seats_booked + "." * event.seats_available
    if len(bar) > 30:
        bar = ""
    return f"[{bar}] {event.seats_booked} booked, {event.seats_available} of {event.capacity} free"


def sign_in(client, username, password):
    """Signs in (registering a demo account first when no username is given) and puts
    the access token into the client's configuration, so every later call sends it."""
    auth = AuthApi(client)
    if username is None:
        username = f"demo_{secrets.token_hex(4)}"
        password = f"Demo!{secrets.token_hex(8)}A1"
        auth.register_user(
            UserRegister(email=f"{username}@example.com", username=username, password=password, full_name="Demo Organizer")
        )
        print(f"Registered the demo account {username}")
    token = auth.login(UserLogin(username=username, password=password))
    client.configuration.access_token = token.access_token
    me = auth.get_me()
    print(f"Signed in as {me.username} (role {me.role.value}); the access token lasts {token.expires_in // 60} minutes")


def walkthrough(client, keep):
    events_api = EventsApi(client)
    bookings_api = BookingsApi(client)

    heading("Upcoming events")
    page = events_api.get_events(page_size=5)
    for event in page.items:
        print(f"  #{event.id:<4} {event.title[:32]:<32} {when(event):<42} {event.location[:16]:<16} {event.country}  "
              f"{event.seats_available}/{event.capacity} free")
    if page.total == 0:
        print("  No upcoming events yet.")
    else:
        print(f"  ({len(page.items)} shown of {page.total})")

    heading("Creating an event")
    start = (dt.datetime.now() + dt.timedelta(days=14)).replace(hour=18, minute=0, second=0, microsecond=0)
    event = events_api.create_event(
        EventCreate(
            title=f"SDK walkthrough {secrets.token_hex(3)}",
            description="Three seats only, to see what happens when they run out.",
            location="Pune",
            country="IN",
            timezone="Asia/Kolkata",
            start_time=start.strftime("%Y-%m-%dT%H:%M:%S"),  # local time in the event's zone
            end_time=(start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S"),
            capacity=3,
            tags=["demo", "sdk"],
        )
    )
    print(f"Created #{event.id} {event.title!r}, {when(event)}, by {event.created_by}")
    print(f"  {seats(event)}")

    heading("Booking seats")
    suffix = secrets.token_hex(3)
    booked = {}
    for name, mailbox in GUESTS:
        attendee = SeatRequest(name=name, email=f"{mailbox}+{suffix}@example.com")
        try:
            booking = bookings_api.book_event(event.id, attendee, idempotency_key=f"walkthrough-{suffix}-{mailbox}")
        except BadRequestException as refusal:  # the problem+json body, parsed
            print(f"  {name}: refused, {refusal.data.title} ({refusal.data.code})")
        else:
            booked[name] = booking
            print(f"  {name}: booking #{booking.id} {booking.status.value}")
        # The live seat count, as the server has it now.
        print(f"    {seats(events_api.get_event(event.id))}")

    heading("Cancelling a booking")
    ravi = booked["Ravi Kumar"]
    cancelled = bookings_api.cancel_booking(ravi.id, x_cancel_token=ravi.cancel_token)
    print(f"  Ravi Kumar cancelled booking #{cancelled.id}: {cancelled.status.value} at "
          f"{dt.datetime.fromisoformat(cancelled.cancelled_at):%H:%M:%S %z}")
    print(f"    {seats(events_api.get_event(event.id))}")

    # A new attempt, so no Idempotency-Key of the refused one: that would replay the refusal.
    sam = bookings_api.book_event(event.id, SeatRequest(name="Sam Lee", email=f"sam.lee+{suffix}@example.com"))
    print(f"  Sam Lee tries again: booking #{sam.id} {sam.status.value}")
    print(f"    {seats(events_api.get_event(event.id))}")

    heading("Who is coming")
    for attendee in events_api.get_event_attendees(event.id).items:
        print(f"  {attendee.name} <{attendee.email}>")

    if keep:
        print(f"\nKept event #{event.id}.")
    else:
        events_api.delete_event(event.id)
        print(f"\nDeleted event #{event.id} and its bookings (use --keep to keep them).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("BOXOFFICE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--username", help="an existing account (default: register a demo account)")
    parser.add_argument("--password", help="its password")
    parser.add_argument("--keep", action="store_true", help="keep the event that was created")
    args = parser.parse_args()
    if args.username and not args.password:
        parser.error("--username needs --password")

    print(f"Boxoffice at {args.host}")
    with ApiClient(Configuration(host=args.host)) as client:
        try:
            sign_in(client, args.username, args.password)
            walkthrough(client, args.keep)
        except ApiException as error:
            problem = error.data
            if problem is not None and hasattr(problem, "code"):
                print(f"\nThe API answered {error.status} {problem.code}: {problem.detail}", file=sys.stderr)
            else:
                print(f"\nThe API answered {error.status}: {error.body}", file=sys.stderr)
            return 1
        except urllib3.exceptions.HTTPError as error:
            print(f"\nCannot reach {args.host}: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

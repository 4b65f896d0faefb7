# flake8: noqa

# import apis into api package
from event_sdk.api.attendees_api import AttendeesApi
from event_sdk.api.auth_api import AuthApi
from event_sdk.api.bookings_api import BookingsApi
from event_sdk.api.devices_api import DevicesApi
from event_sdk.api.door_api import DoorApi
from event_sdk.api.events_api import EventsApi
from event_sdk.api.internal_api import InternalApi
from event_sdk.api.notifications_api import NotificationsApi
from event_sdk.api.ops_api import OpsApi
from event_sdk.api.webhooks_api import WebhooksApi


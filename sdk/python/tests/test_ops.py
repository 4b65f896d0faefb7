"""OpsApi: healthz, readyz, metrics."""

from event_sdk.models import Health
from support import person


def test_healthz(anonymous):
    health = anonymous.ops.healthz()
    assert isinstance(health, Health)
    assert health.status == "ok"


def test_readyz_names_the_database_and_the_broker(anonymous):
    response = anonymous.ops.readyz_with_http_info()
    assert response.status_code == 200
    assert response.data.status == "ok"
    assert response.data.database in ("sqlite", "postgres")
    assert response.data.broker in ("in-process", "rabbitmq")


def test_metrics_is_prometheus_text_counting_requests_and_bookings(anonymous, make_event):
    event = make_event()
    anonymous.bookings.book_event(event.id, person())

    text = anonymous.ops.metrics()
    assert isinstance(text, str)
    assert "# TYPE boxoffice_http_requests_total counter" in text
    assert 'boxoffice_http_requests_total{method="POST",route="/events/{id}/book",status="201"}' in text
    assert 'boxoffice_booking_attempts_total{outcome="confirmed"}' in text
    assert "boxoffice_http_request_duration_seconds_bucket" in text

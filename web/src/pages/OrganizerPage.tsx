import { useCallback, useEffect, useState } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import type { EventView } from '../api'
import { Alert } from '../components/Alert'
import { SeatsBadge, StatusBadge } from '../components/EventCard'
import { NotificationsPanel } from '../components/NotificationsPanel'
import { eventsApi } from '../lib/api'
import { useAuth } from '../lib/auth'
import { useLiveSeats, useNotificationFrames } from '../lib/live'
import { fetchOwnEvents } from '../lib/ownEvents'
import { toProblem } from '../lib/problem'
import { formatDateTime } from '../lib/time'
import { useTimeZone } from '../lib/timezone'

function OwnEventRow({ event, onDeleted }: { event: EventView; onDeleted: (message: string) => void }) {
  const { zoneFor } = useTimeZone()
  const seats = useLiveSeats(event.id)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const available = seats?.seats_available ?? event.seats_available
  const capacity = seats?.capacity ?? event.capacity

  async function remove() {
    setBusy(true)
    setError(null)
    try {
      await eventsApi.deleteEvent({ id: event.id })
      onDeleted(`“${event.title}” was deleted, with its bookings.`)
    } catch (e) {
      setError(toProblem(e).message)
      setBusy(false)
      setConfirming(false)
    }
  }

  return (
    <li className="own-event" data-testid={`own-event-${event.id}`}>
      <div className="own-event-main">
        <h3>
          <Link to={`/events/${event.id}`}>{event.title}</Link> <StatusBadge status={event.status} />
        </h3>
        <p className="muted small">
          <time dateTime={event.start_time}>{formatDateTime(event.start_time, zoneFor(event.timezone))}</time> ·{' '}
          {event.location}
        </p>
        <p className="small">
          <SeatsBadge available={available} capacity={capacity} />{' '}
          <span className="muted">
            {capacity === null || available === null
              ? `${(seats?.seats_booked ?? event.seats_booked).toLocaleString()} booked`
              : `${(capacity - available).toLocaleString()} of ${capacity.toLocaleString()} booked`}
          </span>
        </p>
        {error ? <p className="error-text">{error}</p> : null}
      </div>
      <div className="own-event-actions">
        <Link className="button button-secondary" to={`/organizer/events/${event.id}/edit`} aria-label={`Edit ${event.title}`}>
          Edit
        </Link>
        <Link
          className="button button-secondary"
          to={`/organizer/events/${event.id}/attendees`}
          aria-label={`Attendees of ${event.title}`}
        >
          Attendees
        </Link>
        {confirming ? (
          <>
            <button type="button" className="button button-danger" onClick={remove} disabled={busy}>
              {busy ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => setConfirming(true)}
            aria-label={`Delete ${event.title}`}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  )
}

export function OrganizerPage() {
  const { session } = useAuth()
  const { zone } = useTimeZone()
  const location = useLocation()
  const navigate = useNavigate()
  const [events, setEvents] = useState<EventView[] | null>(null)
  const [complete, setComplete] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null)
  const [generation, setGeneration] = useState(0)

  // The flash message belongs to this visit: drop it from history.
  useEffect(() => {
    if ((location.state as { flash?: string } | null)?.flash) {
      navigate(location.pathname, { replace: true, state: null })
    }
  }, [location, navigate])

  const username = session?.user.username ?? ''
  const isAdmin = session?.user.role === 'admin'
  useEffect(() => {
    let cancelled = false
    fetchOwnEvents(isAdmin)
      .then((found) => {
        if (cancelled) return
        setEvents(found.events)
        setComplete(found.complete)
        setError(null)
      })
      .catch((e) => !cancelled && setError(toProblem(e).message))
    return () => {
      cancelled = true
    }
  }, [username, isAdmin, zone, generation])

  // Changes to events (here or in another tab) refresh the list.
  const onFrame = useCallback((frame: { notification_type: string }) => {
    if (frame.notification_type.startsWith('event.')) setGeneration((g) => g + 1)
  }, [])
  useNotificationFrames(onFrame)

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Organizer</h1>
          <p className="muted">Signed in as {session?.user.full_name || session?.user.username}</p>
        </div>
        <div>
          <Link className="button button-secondary" to="/organizer/webhooks">
            Webhooks
          </Link>{' '}
          <Link className="button" to="/organizer/events/new">
            New event
          </Link>
        </div>
      </div>
      {flash ? (
        <Alert kind="success">
          {flash}{' '}
          <button type="button" className="link-button" onClick={() => setFlash(null)}>
            Dismiss
          </button>
        </Alert>
      ) : null}
      <div className="organizer-layout">
        <section className="card" aria-labelledby="own-events-heading">
          <h2 id="own-events-heading">{isAdmin ? 'All events' : 'Your events'}</h2>
          {error ? <Alert kind="error" title="Your events could not be loaded">{error}</Alert> : null}
          {events === null && !error ? <p className="muted">Loading…</p> : null}
          {events && events.length === 0 ? (
            <div className="empty">
              <p>You have not published an event yet.</p>
              <Link className="button" to="/organizer/events/new">
                Create your first event
              </Link>
            </div>
          ) : null}
          {events && events.length > 0 ? (
            <ul className="own-event-list">
              {events.map((event) => (
                <OwnEventRow
                  key={event.id}
                  event={event}
                  onDeleted={(message) => {
                    setFlash(message)
                    setEvents((list) => list?.filter((e) => e.id !== event.id) ?? null)
                  }}
                />
              ))}
            </ul>
          ) : null}
          {!complete ? (
            <p className="muted small">Showing the 1,000 most recently created events.</p>
          ) : null}
        </section>
        <NotificationsPanel />
      </div>
    </div>
  )
}

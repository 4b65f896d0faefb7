import { useCallback, useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import type { EventView } from '../api'
import { Alert } from '../components/Alert'
import { BookingForm } from '../components/BookingForm'
import { StatusBadge } from '../components/EventCard'
import { SeatMeter } from '../components/SeatMeter'
import { WaitlistPanel } from '../components/WaitlistPanel'
import { eventsApi } from '../lib/api'
import { useAuth } from '../lib/auth'
import { loadBookings } from '../lib/bookings'
import { describeAttachment } from '../lib/attachment'
import { countryName } from '../lib/countries'
import { useLiveSeats, useLiveStatus } from '../lib/live'
import { toProblem, type ApiProblem } from '../lib/problem'
import { formatDateTime } from '../lib/time'
import { useTimeZone } from '../lib/timezone'
import { placeForEvent } from '../lib/waitlist'

export function EventPage() {
  const { id } = useParams()
  const eventId = Number(id)
  const valid = Number.isSafeInteger(eventId) && eventId > 0
  const { zone: chosen, zoneFor } = useTimeZone()
  const { session } = useAuth()
  const [event, setEvent] = useState<EventView | null>(null)
  const [problem, setProblem] = useState<ApiProblem | null>(null)
  const [attempt, setAttempt] = useState(0)
  const seats = useLiveSeats(valid ? eventId : null)
  const status = useLiveStatus()
  const [mine, setMine] = useState(() => loadBookings().filter((b) => b.event_id === eventId))

  useEffect(() => {
    if (!valid) return
    let cancelled = false
    eventsApi
      .getEvent({ id: eventId })
      .then(({ data }) => {
        if (cancelled) return
        setEvent(data)
        setProblem(null)
      })
      .catch((e) => !cancelled && setProblem(toProblem(e)))
    return () => {
      cancelled = true
    }
  }, [eventId, valid, chosen, attempt])

  useEffect(() => {
    if (event) document.title = `${event.title} · Boxoffice`
    return () => {
      document.title = 'Boxoffice'
    }
  }, [event])

  const onBooked = useCallback(() => {
    setMine(loadBookings().filter((b) => b.event_id === eventId))
  }, [eventId])

  if (!valid || problem?.code === 'event_not_found') {
    return (
      <div className="page narrow">
        <h1>Event not found</h1>
        <p>This event does not exist, or it was deleted.</p>
        <Link to="/">See all events</Link>
      </div>
    )
  }
  if (problem && !event) {
    return (
      <div className="page narrow">
        <Alert kind="error" title="The event could not be loaded">
          <p>{problem.message}</p>
          <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Alert>
      </div>
    )
  }
  if (!event) return <p className="page muted">Loading…</p>

  const zone = zoneFor(event.timezone)
  const capacity = seats?.capacity ?? event.capacity
  const available = seats?.seats_available ?? event.seats_available
  const ended = Date.parse(event.ends_at) <= Date.now()
  const bookable = event.status === 'scheduled' && !ended
  const canManage = session && (session.user.role === 'admin' || session.user.username === event.created_by)

  return (
    <div className="page event-page">
      <p className="breadcrumbs">
        <Link to="/">← All events</Link>
      </p>
      <div className="event-layout">
        <article className="event-main">
          <header>
            <h1>
              {event.title} <StatusBadge status={event.status} />
            </h1>
            {event.tags.length > 0 ? (
              <p className="tags">
                {event.tags.map((tag) => (
                  <Link key={tag} className="tag" to={`/?tag=${encodeURIComponent(tag)}`}>
                    #{tag}
                  </Link>
                ))}
              </p>
            ) : null}
          </header>
          <dl className="facts">
            <div>
              <dt>Starts</dt>
              <dd>
                <time dateTime={event.start_time} data-testid="event-start">
                  {formatDateTime(event.start_time, zone)}
                </time>
              </dd>
            </div>
            {event.end_time !== null ? (
              <div>
                <dt>Ends</dt>
                <dd>
                  <time dateTime={event.end_time}>{formatDateTime(event.end_time, zone)}</time>
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Where</dt>
              <dd>
                {event.location}, {countryName(event.country)}
              </dd>
            </div>
            <div>
              <dt>Time zone</dt>
              <dd>
                {chosen ? (
                  <>
                    Shown in {zone.replaceAll('_', ' ')}; the event’s own zone is {event.timezone.replaceAll('_', ' ')}
                  </>
                ) : (
                  <>Local time of the event ({event.timezone.replaceAll('_', ' ')})</>
                )}
              </dd>
            </div>
            {event.created_by ? (
              <div>
                <dt>Organizer</dt>
                <dd>{event.created_by}</dd>
              </div>
            ) : null}
          </dl>
          {event.description ? <p className="description">{event.description}</p> : null}
          <p className="calendar-link">
            <a className="button button-secondary" href={`/events/${event.id}.ics`} download={`event-${event.id}.ics`}>
              Add to calendar
            </a>{' '}
            <span className="muted small">(an .ics file for Google Calendar, Outlook or Apple Calendar)</span>
          </p>
          {event.attachment ? (
            <p className="attachment-download">
              <a className="button button-secondary" href={event.attachment.download_url} download={event.attachment.file_name}>
                Download {event.attachment.file_name}
              </a>{' '}
              <span className="muted">({describeAttachment(event.attachment)})</span>
            </p>
          ) : event.attachment_url ? (
            <p>
              <a href={event.attachment_url} rel="noopener noreferrer" target="_blank">
                More information (opens a new tab)
              </a>
            </p>
          ) : null}
          {canManage ? (
            <p className="owner-actions">
              <Link className="button button-secondary" to={`/organizer/events/${event.id}/edit`}>
                Edit event
              </Link>
              <Link className="button button-secondary" to={`/organizer/events/${event.id}/attendees`}>
                Attendees
              </Link>
              <Link className="button button-secondary" to={`/events/${event.id}/door`}>
                Door
              </Link>
            </p>
          ) : session ? (
            <p className="muted small">
              Checking tickets in at this event? <Link to={`/events/${event.id}/door`}>Open the door page</Link>
            </p>
          ) : null}
        </article>
        <aside className="event-side" aria-labelledby="booking-heading">
          <div className="card">
            <h2 id="booking-heading">Seats</h2>
            <SeatMeter
              capacity={capacity}
              available={available}
              booked={seats?.seats_booked ?? event.seats_booked}
              live={status === 'open' && seats !== undefined}
            />
            {bookable ? (
              <>
                {/* Kept mounted when the last seat goes, so its booker still sees their confirmation. */}
                <BookingForm event={event} onBooked={onBooked} soldOut={available === 0} />
                {available === 0 ? (
                  <>
                    <p className="notice">
                      This event is sold out. Join the waitlist: when someone cancels, their seat goes to the first in
                      line.
                    </p>
                    <WaitlistPanel event={event} seatsVersion={seats} />
                  </>
                ) : placeForEvent(event.id) ? (
                  <WaitlistPanel event={event} seatsVersion={seats} />
                ) : null}
              </>
            ) : (
              <Alert kind="info" title="Not taking bookings">
                <p>
                  {event.status === 'canceled'
                    ? 'This event was cancelled.'
                    : event.status === 'completed' || ended
                      ? 'This event is over.'
                      : 'Bookings are closed.'}
                </p>
              </Alert>
            )}
            {mine.length > 0 ? (
              <p className="muted small">
                This browser holds {mine.length === 1 ? 'a booking' : `${mine.length} bookings`} for this event:{' '}
                <Link to="/bookings">My bookings</Link>.
              </p>
            ) : null}
          </div>
        </aside>
      </div>
    </div>
  )
}

import { useEffect, useState } from 'react'
import { Link, useLocation } from 'react-router'
import type { BookingView } from '../api'
import { Alert } from '../components/Alert'
import { BookingRow } from '../components/BookingRow'
import { bookingsApi } from '../lib/api'
import { forgetAttendee, loadAttendee, type AttendeeSession } from '../lib/attendee'
import { forgetBooking, loadBookings } from '../lib/bookings'
import { toProblem, type ApiProblem } from '../lib/problem'

/** The most bookings one attendee's list shows (the API's largest page). */
const ATTENDEE_PAGE_SIZE = 100

type AttendeeBookings =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'ok'; items: BookingView[] }
  | { kind: 'expired' }
  | { kind: 'error'; problem: ApiProblem }

/** The bookings of the attendee signed in by e-mail link, if any. */
function useAttendeeBookings(attendee: AttendeeSession | null, attempt: number): AttendeeBookings {
  const [state, setState] = useState<AttendeeBookings>(attendee ? { kind: 'loading' } : { kind: 'none' })
  useEffect(() => {
    if (!attendee) {
      setState({ kind: 'none' })
      return
    }
    let cancelled = false
    setState({ kind: 'loading' })
    bookingsApi
      .getBookings({ X_Attendee_Token: attendee.token, page_size: ATTENDEE_PAGE_SIZE })
      .then(({ data }) => !cancelled && setState({ kind: 'ok', items: data.items }))
      .catch((e) => {
        if (cancelled) return
        const problem = toProblem(e)
        // A newer link (here or in another browser) replaced this token.
        setState(problem.status === 401 ? { kind: 'expired' } : { kind: 'error', problem })
      })
    return () => {
      cancelled = true
    }
  }, [attendee, attempt])
  return state
}

export function MyBookingsPage() {
  const location = useLocation()
  const justSignedIn = (location.state as { signedIn?: boolean } | null)?.signedIn === true
  const [bookings, setBookings] = useState(() => loadBookings())
  const [attendee, setAttendee] = useState(() => loadAttendee())
  const [attempt, setAttempt] = useState(0)
  const fromServer = useAttendeeBookings(attendee, attempt)

  useEffect(() => {
    if (fromServer.kind === 'expired') forgetAttendee()
  }, [fromServer.kind])

  const serverItems = fromServer.kind === 'ok' ? fromServer.items : []
  const serverIds = new Set(serverItems.map((b) => b.id))
  // Bookings of this browser that the attendee's list already holds are shown once.
  const local = bookings.filter((b) => !serverIds.has(b.id))
  const titles = new Map(bookings.map((b) => [b.id, b.event_title]))
  const loading = fromServer.kind === 'loading'
  const empty = serverItems.length === 0 && local.length === 0

  return (
    <div className="page narrow">
      <h1>My bookings</h1>
      <p className="lead">
        {attendee
          ? 'Bookings made in this browser, each kept here with its private cancel token, and those of the e-mail address you signed in with by link.'
          : 'Bookings made in this browser. Each is kept here with its private cancel token, so only you can cancel it.'}
      </p>
      {justSignedIn && attendee ? (
        <Alert kind="success" title="You are signed in with your e-mail link">
          <p>Your bookings are below; this browser remembers you until you sign out here.</p>
        </Alert>
      ) : null}
      {fromServer.kind === 'expired' ? (
        <Alert kind="warning" title="Your sign-in link no longer works here">
          <p>
            A newer link replaced it. <Link to="/magic">Get a new sign-in link</Link> to see your bookings again.
          </p>
        </Alert>
      ) : null}
      {fromServer.kind === 'error' ? (
        <Alert kind="error" title="Could not load your bookings">
          <p>{fromServer.problem.message}</p>
          <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Alert>
      ) : null}
      {loading ? <p className="muted">Loading your bookings…</p> : null}
      {loading ? null : empty ? (
        <div className="empty">
          <p>No bookings yet.</p>
          <Link className="button" to="/">
            Find an event
          </Link>
        </div>
      ) : (
        <ul className="booking-list">
          {attendee
            ? serverItems.map((b) => (
                <BookingRow
                  key={b.id}
                  id={b.id}
                  eventId={b.event_id}
                  eventTitle={titles.get(b.id)}
                  credential={{ attendeeToken: attendee.token }}
                />
              ))
            : null}
          {local.map((b) => (
            <BookingRow
              key={b.id}
              id={b.id}
              eventId={b.event_id}
              eventTitle={b.event_title}
              holder={{ name: b.name, email: b.email }}
              credential={{ cancelToken: b.cancel_token }}
              onForget={() => {
                forgetBooking(b.id)
                setBookings(loadBookings())
              }}
            />
          ))}
        </ul>
      )}
      <div className="page-links">
        {attendee && fromServer.kind !== 'expired' ? (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              forgetAttendee()
              setAttendee(null)
            }}
          >
            Sign out of your e-mail link
          </button>
        ) : (
          <p className="muted small">
            Booked on another device, or cleared this browser? <Link to="/magic">Get a sign-in link by e-mail</Link>
          </p>
        )}
        <p className="muted small">
          <Link to="/preferences">Notification preferences</Link>: how and in which language we write to you.
        </p>
      </div>
    </div>
  )
}

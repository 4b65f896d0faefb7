import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import type { BookingView } from '../api'
import { Alert } from '../components/Alert'
import { bookingsApi } from '../lib/api'
import { forgetBooking, loadBookings, type StoredBooking } from '../lib/bookings'
import { toProblem, type ApiProblem } from '../lib/problem'
import { formatDateTime, browserZone } from '../lib/time'
import { useTimeZone } from '../lib/timezone'

type State =
  | { kind: 'loading' }
  | { kind: 'ok'; booking: BookingView }
  | { kind: 'gone' }
  | { kind: 'error'; problem: ApiProblem }

function BookingRow({ stored, onForget }: { stored: StoredBooking; onForget: () => void }) {
  const { zone } = useTimeZone()
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    bookingsApi
      .getBooking({ id: stored.id, X_Cancel_Token: stored.cancel_token })
      .then(({ data }) => !cancelled && setState({ kind: 'ok', booking: data }))
      .catch((e) => {
        if (cancelled) return
        const problem = toProblem(e)
        setState(problem.code === 'booking_not_found' ? { kind: 'gone' } : { kind: 'error', problem })
      })
    return () => {
      cancelled = true
    }
  }, [stored.id, stored.cancel_token, zone, attempt])

  async function cancel() {
    setBusy(true)
    setMessage(null)
    try {
      const { data } = await bookingsApi.cancelBooking({ id: stored.id, X_Cancel_Token: stored.cancel_token })
      setState({ kind: 'ok', booking: data })
      setMessage({ kind: 'success', text: 'Your booking is cancelled and the seat is free again.' })
    } catch (e) {
      setMessage({ kind: 'error', text: toProblem(e).message })
    } finally {
      setBusy(false)
      setConfirming(false)
    }
  }

  const booking = state.kind === 'ok' ? state.booking : null
  const cancelled = booking?.status === 'cancelled'
  const shownZone = zone || browserZone()
  return (
    <li className="booking-card" data-testid={`booking-${stored.id}`}>
      <div className="booking-card-head">
        <h2 className="booking-title">
          <Link to={`/events/${stored.event_id}`}>{stored.event_title}</Link>
        </h2>
        {booking ? (
          <span className={`status status-${booking.status}`} data-testid="booking-status">
            {cancelled ? 'Cancelled' : 'Confirmed'}
          </span>
        ) : null}
      </div>
      <p className="muted">
        Booking #{stored.id} · {stored.name} · {stored.email}
      </p>
      {state.kind === 'loading' ? <p className="muted">Checking…</p> : null}
      {booking ? (
        <p className="small">
          Booked <time dateTime={booking.created_at}>{formatDateTime(booking.created_at, shownZone)}</time>
          {booking.cancelled_at ? (
            <>
              {' · '}cancelled <time dateTime={booking.cancelled_at}>{formatDateTime(booking.cancelled_at, shownZone)}</time>
            </>
          ) : null}
        </p>
      ) : null}
      {state.kind === 'gone' ? (
        <Alert kind="warning" title="Booking not found">
          <p>This booking no longer exists: its event may have been deleted.</p>
        </Alert>
      ) : null}
      {state.kind === 'error' ? (
        <Alert kind="error" title="Could not check this booking">
          <p>{state.problem.message}</p>
          <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Alert>
      ) : null}
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      <div className="booking-actions">
        {booking && !cancelled ? (
          confirming ? (
            <>
              <span className="confirm-text">Cancel this booking?</span>
              <button type="button" className="button button-danger" onClick={cancel} disabled={busy}>
                {busy ? 'Cancelling…' : 'Yes, cancel it'}
              </button>
              <button type="button" className="button button-ghost" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
              Cancel booking
            </button>
          )
        ) : null}
        {cancelled || state.kind === 'gone' ? (
          <button type="button" className="button button-ghost" onClick={onForget}>
            Remove from this list
          </button>
        ) : null}
      </div>
    </li>
  )
}

export function MyBookingsPage() {
  const [bookings, setBookings] = useState(() => loadBookings())
  return (
    <div className="page narrow">
      <h1>My bookings</h1>
      <p className="lead">
        Bookings made in this browser. Each is kept here with its private cancel token, so only you can cancel it.
      </p>
      {bookings.length === 0 ? (
        <div className="empty">
          <p>No bookings yet.</p>
          <Link className="button" to="/">
            Find an event
          </Link>
        </div>
      ) : (
        <ul className="booking-list">
          {bookings.map((b) => (
            <BookingRow
              key={b.id}
              stored={b}
              onForget={() => {
                forgetBooking(b.id)
                setBookings(loadBookings())
              }}
            />
          ))}
        </ul>
      )}
    </div>
  )
}

import { useEffect, useState } from 'react'
import { Link } from 'react-router'
import type { BookingView } from '../api'
import { bookingsApi, eventsApi } from '../lib/api'
import { toProblem, type ApiProblem } from '../lib/problem'
import { browserZone, formatDateTime } from '../lib/time'
import { useTimeZone } from '../lib/timezone'
import { Alert } from './Alert'
import { TicketQr } from './TicketQr'

/** What proves the right to see and cancel a booking: its own cancel token or its attendee's token. */
export type BookingCredential = { cancelToken: string } | { attendeeToken: string }

function headers(credential: BookingCredential) {
  return 'cancelToken' in credential
    ? { X_Cancel_Token: credential.cancelToken }
    : { X_Attendee_Token: credential.attendeeToken }
}

type State =
  | { kind: 'loading' }
  | { kind: 'ok'; booking: BookingView }
  | { kind: 'gone' }
  | { kind: 'error'; problem: ApiProblem }

interface BookingRowProps {
  id: number
  eventId: number
  /** Known for bookings made in this browser; read from the event otherwise. */
  eventTitle?: string
  /** Who booked, as this browser remembers it; read from the booking otherwise. */
  holder?: { name: string; email: string }
  credential: BookingCredential
  /** Offered once the booking is cancelled or gone: drops it from this browser's list. */
  onForget?: () => void
}

/** One booking with its live status and an inline confirmation to cancel it. */
export function BookingRow({ id, eventId, eventTitle, holder, credential, onForget }: BookingRowProps) {
  const { zone } = useTimeZone()
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [title, setTitle] = useState(eventTitle ?? `Event #${eventId}`)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null)
  const [attempt, setAttempt] = useState(0)
  const cancelToken = 'cancelToken' in credential ? credential.cancelToken : undefined
  const attendeeToken = 'attendeeToken' in credential ? credential.attendeeToken : undefined

  useEffect(() => {
    let cancelled = false
    bookingsApi
      .getBooking({ id, X_Cancel_Token: cancelToken, X_Attendee_Token: attendeeToken })
      .then(({ data }) => !cancelled && setState({ kind: 'ok', booking: data }))
      .catch((e) => {
        if (cancelled) return
        const problem = toProblem(e)
        setState(problem.code === 'booking_not_found' ? { kind: 'gone' } : { kind: 'error', problem })
      })
    return () => {
      cancelled = true
    }
  }, [id, cancelToken, attendeeToken, zone, attempt])

  useEffect(() => {
    if (eventTitle) return
    let cancelled = false
    eventsApi
      .getEvent({ id: eventId })
      .then(({ data }) => !cancelled && setTitle(data.title))
      // The number stays when the event cannot be read (deleted): the booking says so.
      .catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [eventId, eventTitle])

  async function cancel() {
    setBusy(true)
    setMessage(null)
    try {
      const { data } = await bookingsApi.cancelBooking({ id, ...headers(credential) })
      setState({ kind: 'ok', booking: data })
      setMessage({ kind: 'success', text: 'Your booking is cancelled and the seat is given back: to the next person on the waitlist, if anyone waits.' })
    } catch (e) {
      setMessage({ kind: 'error', text: toProblem(e).message })
    } finally {
      setBusy(false)
      setConfirming(false)
    }
  }

  const booking = state.kind === 'ok' ? state.booking : null
  const cancelled = booking?.status === 'cancelled'
  const who = holder ?? (booking ? { name: booking.attendee.name, email: booking.attendee.email ?? '' } : null)
  const shownZone = zone || browserZone()
  return (
    <li className="booking-card" data-testid={`booking-${id}`}>
      <div className="booking-card-head">
        <h2 className="booking-title">
          <Link to={`/events/${eventId}`}>{title}</Link>
        </h2>
        {booking ? (
          <span className={`status status-${booking.status}`} data-testid="booking-status">
            {cancelled ? 'Cancelled' : 'Confirmed'}
          </span>
        ) : null}
      </div>
      <p className="muted">
        Booking #{id}
        {who ? ` · ${who.name}${who.email ? ` · ${who.email}` : ''}` : ''}
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
      {booking?.ticket && !cancelled ? (
        <TicketQr bookingId={id} code={booking.ticket} cancelToken={cancelToken} attendeeToken={attendeeToken} />
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
        {onForget && (cancelled || state.kind === 'gone') ? (
          <button type="button" className="button button-ghost" onClick={onForget}>
            Remove from this list
          </button>
        ) : null}
      </div>
    </li>
  )
}

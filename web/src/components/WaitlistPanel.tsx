import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import type { EventView, WaitlistEntryView } from '../api'
import { bookingsApi } from '../lib/api'
import { validateBooking } from './BookingForm'
import { toProblem, type ApiProblem } from '../lib/problem'
import { describePosition, forgetPlace, placeForEvent, rememberPlace } from '../lib/waitlist'
import { Alert } from './Alert'
import { Field } from './Field'

interface Errors {
  name?: string
  email?: string
}

interface WaitlistPanelProps {
  event: EventView
  /** Changes with every live seat count, so the position is read again when the line moves. */
  seatsVersion: unknown
}

/**
 * For a sold-out event: join its waitlist, then see the place in line move up live, and
 * learn at once when a freed seat became yours.
 */
export function WaitlistPanel({ event, seatsVersion }: WaitlistPanelProps) {
  const [stored, setStored] = useState(() => placeForEvent(event.id))
  const [place, setPlace] = useState<WaitlistEntryView | null>(null)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [problem, setProblem] = useState<ApiProblem | null>(null)
  const [busy, setBusy] = useState(false)
  const nameInput = useRef<HTMLInputElement>(null)
  const emailInput = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!stored) return
    let cancelled = false
    const read = () =>
      bookingsApi
        .getWaitlistEntry({ id: stored.id, X_Waitlist_Token: stored.token })
        .then(({ data }) => !cancelled && setPlace(data))
        .catch((e) => {
          if (cancelled) return
          const found = toProblem(e)
          if (found.code === 'waitlist_entry_not_found') {
            forgetPlace(stored.id)
            setStored(undefined)
          }
        })
    void read()
    // Seat frames move the line on a cancellation; a slow poll covers people leaving.
    const timer = window.setInterval(read, 15000)
    return () => {
      cancelled = true
      window.clearInterval(timer)
    }
  }, [stored, seatsVersion])

  async function join(e: FormEvent) {
    e.preventDefault()
    const found = validateBooking(name, email)
    setErrors(found)
    setProblem(null)
    if (found.name) return nameInput.current?.focus()
    if (found.email) return emailInput.current?.focus()
    setBusy(true)
    try {
      const { data } = await bookingsApi.joinWaitlist({
        id: event.id,
        WaitlistJoin: { name: name.trim(), email: email.trim() },
      })
      if (data.token) {
        const saved = { id: data.id, event_id: event.id, token: data.token }
        rememberPlace(saved)
        setStored(saved)
      }
      setPlace(data)
    } catch (error) {
      setProblem(toProblem(error))
    } finally {
      setBusy(false)
    }
  }

  async function leave() {
    if (!stored) return
    setBusy(true)
    try {
      const { data } = await bookingsApi.leaveWaitlist({ id: stored.id, X_Waitlist_Token: stored.token })
      setPlace(data)
    } catch (error) {
      setProblem(toProblem(error))
    } finally {
      setBusy(false)
    }
  }

  function forget() {
    if (stored) forgetPlace(stored.id)
    setStored(undefined)
    setPlace(null)
  }

  if (stored && place?.status === 'waiting' && place.position !== null) {
    return (
      <div className="waitlist" aria-live="polite">
        <Alert kind="info" title="You are on the waitlist">
          <p data-testid="waitlist-position">{describePosition(place.position)}.</p>
          <p>When someone cancels, the seat is booked for the first in line at once, and you get an e-mail.</p>
        </Alert>
        <button type="button" className="button button-secondary" onClick={leave} disabled={busy}>
          Leave the waitlist
        </button>
      </div>
    )
  }
  if (stored && place?.status === 'promoted') {
    return (
      <div className="waitlist" aria-live="polite">
        <Alert kind="success" title="A seat freed up: you’re booked!">
          <p>
            Booking #{place.booking_id} for {place.attendee.name} is confirmed. The e-mail we sent has the details and
            a link to manage your bookings.
          </p>
        </Alert>
        <button type="button" className="button button-secondary" onClick={forget}>
          Dismiss
        </button>
      </div>
    )
  }
  if (stored && place?.status === 'left') {
    return (
      <div className="waitlist">
        <p className="notice">You left the waitlist.</p>
        <button type="button" className="button button-secondary" onClick={forget}>
          Join again
        </button>
      </div>
    )
  }

  return (
    <div className="waitlist">
      {problem ? (
        <Alert kind="error" title="Could not join the waitlist">
          <p>{problem.message}</p>
        </Alert>
      ) : null}
      <form onSubmit={join} noValidate aria-label="Join the waitlist">
        <Field label="Your name" error={errors.name} required>
          <input
            ref={nameInput}
            type="text"
            name="name"
            autoComplete="name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="E-mail" error={errors.email} hint="We write to you when a seat is yours." required>
          <input
            ref={emailInput}
            type="email"
            name="email"
            autoComplete="email"
            inputMode="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <button type="submit" className="button button-wide" disabled={busy}>
          {busy ? 'Joining…' : 'Join the waitlist'}
        </button>
      </form>
      <p className="muted">
        Already booked? See <Link to="/bookings">My bookings</Link>.
      </p>
    </div>
  )
}

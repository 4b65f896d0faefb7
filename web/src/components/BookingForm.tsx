import { useCallback, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import type { BookingView, EventView } from '../api'
import { bookingsApi, newIdempotencyKey } from '../lib/api'
import { rememberBooking } from '../lib/bookings'
import { emailProblem } from '../lib/email'
import { toProblem, type ApiProblem } from '../lib/problem'
import { Alert } from './Alert'
import { Field } from './Field'
import { HoldCountdown } from './HoldCountdown'

/** A seat set aside for this browser while the form is filled in. */
interface Hold {
  id: number
  token: string
  /** Local clock time of expiry (the server's countdown, so clock skew does not matter). */
  expiresAt: number
}

interface Errors {
  name?: string
  email?: string
}

export function validateBooking(name: string, email: string): Errors {
  const errors: Errors = {}
  const trimmed = name.trim()
  if (!trimmed) errors.name = 'Enter your name.'
  else if ([...trimmed].length > 100) errors.name = 'At most 100 characters.'
  const address = emailProblem(email.trim())
  if (address) errors.email = address
  return errors
}

const REFUSALS: Record<string, string> = {
  event_full: 'Event is fully booked',
  already_booked: 'Already booked',
  event_not_bookable: 'Not taking bookings',
  event_not_found: 'Event not found',
  hold_expired: 'Hold expired',
  network_error: 'Network error',
}

interface BookingFormProps {
  event: EventView
  onBooked: (booking: BookingView) => void
  /** No seat is free: only the outcome of this form's last booking is shown. */
  soldOut?: boolean
}

/** Name and e-mail, one seat. The cancel token of the answer is kept in this browser. */
export function BookingForm({ event, onBooked, soldOut = false }: BookingFormProps) {
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [problem, setProblem] = useState<ApiProblem | null>(null)
  const [booked, setBooked] = useState<BookingView | null>(null)
  const [busy, setBusy] = useState(false)
  const [hold, setHold] = useState<Hold | null>(null)
  const [holdNote, setHoldNote] = useState<string | null>(null)
  // The same key for retries of one attempt, so a lost answer never books twice.
  const key = useRef<string | null>(null)
  const nameInput = useRef<HTMLInputElement>(null)
  const emailInput = useRef<HTMLInputElement>(null)

  function edited() {
    key.current = null
  }

  async function holdSeat() {
    setProblem(null)
    setHoldNote(null)
    try {
      const { data } = await bookingsApi.holdSeats({ id: event.id, HoldCreate: { seats: 1 } })
      if (data.token) {
        setHold({ id: data.id, token: data.token, expiresAt: Date.now() + data.expires_in_seconds * 1000 })
      }
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  const holdExpired = useCallback(() => {
    setHold(null)
    setHoldNote('Your hold expired and the seat went back. Hold again or book while seats last.')
  }, [])

  async function submit(e: FormEvent) {
    e.preventDefault()
    const found = validateBooking(name, email)
    setErrors(found)
    setProblem(null)
    setBooked(null)
    if (found.name) return nameInput.current?.focus()
    if (found.email) return emailInput.current?.focus()
    key.current ??= newIdempotencyKey()
    setBusy(true)
    try {
      const { data } = await bookingsApi.bookEvent({
        id: event.id,
        SeatRequest: { name: name.trim(), email: email.trim() },
        X_Hold_Token: hold?.token,
        Idempotency_Key: key.current,
      })
      setHold(null)
      key.current = null
      if (data.cancel_token) {
        rememberBooking({
          id: data.id,
          event_id: event.id,
          event_title: event.title,
          cancel_token: data.cancel_token,
          name: data.attendee.name,
          email: data.attendee.email ?? email.trim(),
          created_at: data.created_at,
        })
      }
      setBooked(data)
      setName('')
      setEmail('')
      onBooked(data)
    } catch (error) {
      const found = toProblem(error)
      // Keep the key only when the answer was lost: a retry then replays it.
      if (found.code !== 'network_error') key.current = null
      if (found.code === 'hold_expired') setHold(null)
      if (found.code === 'validation_failed') {
        const fieldErrors: Errors = {}
        for (const f of found.fields) {
          if (f.field === 'name') fieldErrors.name = f.message
          if (f.field === 'email') fieldErrors.email = f.message
        }
        setErrors(fieldErrors)
      }
      setProblem(found)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="booking-form">
      {booked ? (
        <Alert kind="success" title="You’re booked!">
          <p>
            Booking #{booked.id} for {booked.attendee.name} ({booked.attendee.email}) is confirmed.
          </p>
          <p>
            It is saved in this browser: see or cancel it under <Link to="/bookings">My bookings</Link>.
          </p>
        </Alert>
      ) : null}
      {problem ? (
        <Alert kind="error" title={REFUSALS[problem.code] ?? 'Booking failed'}>
          <p>{problem.message}</p>
        </Alert>
      ) : null}
      {soldOut && !hold ? null : hold ? (
        <HoldCountdown expiresAt={hold.expiresAt} onExpired={holdExpired} />
      ) : (
        <p className="hold-offer">
          <button type="button" className="button button-secondary" onClick={holdSeat}>
            Hold a seat while you fill this in
          </button>
        </p>
      )}
      {holdNote ? <p className="notice">{holdNote}</p> : null}
      {soldOut && !hold ? null : (
        <form onSubmit={submit} noValidate aria-label="Book a seat">
          <Field label="Your name" error={errors.name} required>
            <input
              ref={nameInput}
              type="text"
              name="name"
              autoComplete="name"
              value={name}
              maxLength={100}
              onChange={(e) => {
                setName(e.target.value)
                edited()
              }}
            />
          </Field>
          <Field label="E-mail" error={errors.email} hint="Only to tell bookings apart; never shown to others." required>
            <input
              ref={emailInput}
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              value={email}
              onChange={(e) => {
                setEmail(e.target.value)
                edited()
              }}
            />
          </Field>
          <button type="submit" className="button button-wide" disabled={busy}>
            {busy ? 'Booking…' : 'Book a seat'}
          </button>
        </form>
      )}
    </div>
  )
}

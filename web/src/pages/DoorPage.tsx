import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router'
import type { EventView } from '../api'
import { Alert } from '../components/Alert'
import { barcodeDetector, CameraScanner } from '../components/CameraScanner'
import { DoorStaff } from '../components/DoorStaff'
import { doorApi, eventsApi } from '../lib/api'
import { useAuth } from '../lib/auth'
import { admitted, refused, type ScanResult } from '../lib/door'
import { browserZone } from '../lib/time'
import { useTimeZone } from '../lib/timezone'

/** The door of one event: check tickets in by code or camera, see how many are in. */
export function DoorPage() {
  const { id } = useParams()
  const eventId = Number(id)
  const { session } = useAuth()
  const { zone } = useTimeZone()
  const [event, setEvent] = useState<EventView | null>(null)
  const [tally, setTally] = useState<{ in: number; expected: number } | null>(null)
  const [denied, setDenied] = useState<string | null>(null)
  const [code, setCode] = useState('')
  const [result, setResult] = useState<ScanResult | null>(null)
  const [busy, setBusy] = useState(false)
  const [camera, setCamera] = useState(false)
  const canScanWithCamera = barcodeDetector() !== null
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => {
    eventsApi
      .getEvent({ id: eventId })
      .then(({ data }) => setEvent(data))
      .catch(() => undefined)
  }, [eventId])

  const refreshTally = useCallback(() => {
    doorApi
      .getEventCheckIns({ id: eventId, page_size: 1 })
      .then(({ data }) => {
        setTally({ in: data.total, expected: data.confirmed })
        setDenied(null)
      })
      .catch((e) => setDenied(refused(e, browserZone()).detail))
  }, [eventId])

  useEffect(refreshTally, [refreshTally])

  const check = useCallback(
    async (ticket: string) => {
      const trimmed = ticket.trim()
      if (!trimmed) return
      setBusy(true)
      try {
        const { data } = await doorApi.checkInTicket({ id: eventId, CheckInRequest: { ticket: trimmed } })
        setResult(admitted(data))
        setCode('')
        refreshTally()
      } catch (e) {
        setResult(refused(e, zone || browserZone()))
      } finally {
        setBusy(false)
        // Ready for the next ticket (a handheld scanner types into the focused field).
        input.current?.focus()
      }
    },
    [eventId, refreshTally, zone],
  )

  function submit(e: FormEvent) {
    e.preventDefault()
    void check(code)
  }

  const owner = session && event && (session.user.role === 'admin' || session.user.username === event.created_by)
  return (
    <div className="page narrow">
      <p className="breadcrumbs">
        <Link to={`/events/${eventId}`}>← {event ? event.title : 'Event'}</Link>
      </p>
      <h1>Door{event ? `: ${event.title}` : ''}</h1>
      {tally ? (
        <p className="door-count" data-testid="door-count">
          {tally.in} of {tally.expected} in
        </p>
      ) : null}
      {denied ? <Alert kind="warning" title="You cannot check tickets in here">{denied}</Alert> : null}
      <form className="door-form" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="ticket-code">
          Ticket code
        </label>
        <input
          id="ticket-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="Type or paste a ticket code"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          ref={input}
        />
        <button type="submit" className="button" disabled={busy || !code.trim()}>
          {busy ? 'Checking…' : 'Check in'}
        </button>
        {canScanWithCamera ? (
          <button type="button" className="button button-secondary" onClick={() => setCamera((on) => !on)}>
            {camera ? 'Stop camera' : 'Scan with camera'}
          </button>
        ) : null}
      </form>
      {camera ? <CameraScanner onCode={(scanned) => void check(scanned)} /> : null}
      {result ? (
        <div className={`door-verdict door-${result.kind}`} role="status" aria-live="assertive" data-testid="door-verdict">
          <p className="door-verdict-title">{result.title}</p>
          <p className="door-verdict-detail">{result.detail}</p>
        </div>
      ) : null}
      {owner ? <DoorStaff eventId={eventId} /> : null}
    </div>
  )
}

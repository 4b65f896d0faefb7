import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import type { AttendeePage, EventView } from '../api'
import { Alert } from '../components/Alert'
import { EventDashboard } from '../components/EventDashboard'
import { Pagination } from '../components/Pagination'
import { SeatMeter } from '../components/SeatMeter'
import { eventsApi } from '../lib/api'
import { downloadAttendeesCsv } from '../lib/exportCsv'
import { useLiveSeats } from '../lib/live'
import { toProblem } from '../lib/problem'
import { browserZone, formatDateTime } from '../lib/time'
import { useTimeZone } from '../lib/timezone'

export const ATTENDEES_PAGE_SIZE = 10

export function AttendeesPage() {
  const { id } = useParams()
  const eventId = Number(id)
  const [event, setEvent] = useState<EventView | null>(null)
  const [page, setPage] = useState(1)
  const [data, setData] = useState<AttendeePage | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)
  const [exportError, setExportError] = useState<string | null>(null)
  const seats = useLiveSeats(Number.isSafeInteger(eventId) ? eventId : null)
  const { zone } = useTimeZone()

  useEffect(() => {
    eventsApi
      .getEvent({ id: eventId })
      .then(({ data }) => setEvent(data))
      .catch((e) => setError(toProblem(e).message))
  }, [eventId])

  // Reload the page of attendees whenever the seat count moves.
  const booked = seats?.seats_booked
  useEffect(() => {
    let cancelled = false
    eventsApi
      .getEventAttendees({ id: eventId, page, page_size: ATTENDEES_PAGE_SIZE })
      .then(({ data }) => {
        if (cancelled) return
        setData(data)
        setError(null)
      })
      .catch((e) => !cancelled && setError(toProblem(e).message))
    return () => {
      cancelled = true
    }
  }, [eventId, page, booked])

  const first = (page - 1) * ATTENDEES_PAGE_SIZE
  const shownZone = zone || event?.timezone || browserZone()
  const onExport = () => {
    setExporting(true)
    setExportError(null)
    downloadAttendeesCsv(eventId)
      .catch((e) => setExportError(toProblem(e).message))
      .finally(() => setExporting(false))
  }
  return (
    <div className="page narrow">
      <p className="breadcrumbs">
        <Link to="/organizer">← Your events</Link>
      </p>
      <h1>Attendees{event ? ` of “${event.title}”` : ''}</h1>
      {event ? (
        <SeatMeter
          capacity={seats?.capacity ?? event.capacity}
          available={seats?.seats_available ?? event.seats_available}
          booked={seats?.seats_booked ?? event.seats_booked}
          live={seats !== undefined}
        />
      ) : null}
      {Number.isSafeInteger(eventId) ? <EventDashboard eventId={eventId} version={booked} /> : null}
      <h2>Attendee list</h2>
      {error ? <Alert kind="error" title="Attendees could not be loaded">{error}</Alert> : null}
      {data && data.total === 0 ? <p className="empty">Nobody has booked yet.</p> : null}
      {data && data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Attendees with a confirmed booking, in booking order</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Phone</th>
                <th scope="col">At the door</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((a, i) => (
                <tr key={a.id}>
                  <td>{first + i + 1}</td>
                  <td>{a.name}</td>
                  <td>
                    <a href={`mailto:${a.email}`}>{a.email}</a>
                  </td>
                  <td>{a.phone ?? '—'}</td>
                  <td>
                    {a.checked_in_at ? (
                      <span className="status status-confirmed">
                        In since <time dateTime={a.checked_in_at}>{formatDateTime(a.checked_in_at, shownZone)}</time>
                      </span>
                    ) : (
                      <span className="muted">Not yet</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? (
        <>
          <p className="muted small" data-testid="attendees-total">
            {data.total === 1 ? '1 attendee' : `${data.total} attendees`}
          </p>
          {data.total > 0 ? (
            <p>
              <button type="button" className="button button-secondary" onClick={onExport} disabled={exporting}>
                {exporting ? 'Exporting…' : 'Export CSV'}
              </button>
            </p>
          ) : null}
          {exportError ? <Alert kind="error" title="The export failed">{exportError}</Alert> : null}
          <Pagination label="Attendee pages" page={page} pageSize={ATTENDEES_PAGE_SIZE} total={data.total} onPage={setPage} />
        </>
      ) : null}
    </div>
  )
}

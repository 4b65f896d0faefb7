import { useEffect, useState } from 'react'
import type { EventDashboard as Dashboard } from '../api'
import { eventsApi } from '../lib/api'
import { toProblem } from '../lib/problem'
import { ActivityChart } from './ActivityChart'
import { Alert } from './Alert'

interface EventDashboardProps {
  eventId: number
  /** Changes whenever the seat count moves, to reload the figures. */
  version?: number
}

/** The organizer's figures for an event: bookings by status and activity over time. */
export function EventDashboard({ eventId, version }: EventDashboardProps) {
  const [data, setData] = useState<Dashboard | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let cancelled = false
    eventsApi
      .getEventDashboard({ id: eventId })
      .then(({ data }) => {
        if (cancelled) return
        setData(data)
        setError(null)
      })
      .catch((e) => !cancelled && setError(toProblem(e).message))
    return () => {
      cancelled = true
    }
  }, [eventId, version])

  return (
    <section className="card dashboard" aria-labelledby="dashboard-heading">
      <h2 id="dashboard-heading">Dashboard</h2>
      {error ? <Alert kind="error" title="The dashboard could not be loaded">{error}</Alert> : null}
      {data ? (
        <>
          <dl className="facts dashboard-figures">
            <div>
              <dt>Seats left</dt>
              <dd data-testid="dashboard-seats-left">
                {data.seats_available === null ? 'Unlimited' : data.seats_available.toLocaleString()}
              </dd>
            </div>
            <div>
              <dt>Booked</dt>
              <dd>
                {data.seats_booked.toLocaleString()}
                {data.capacity === null ? '' : ` of ${data.capacity.toLocaleString()}`}
              </dd>
            </div>
            <div>
              <dt>Confirmed bookings</dt>
              <dd data-testid="dashboard-confirmed">{data.totals.confirmed.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Cancelled</dt>
              <dd data-testid="dashboard-cancelled">{data.totals.cancelled.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Checked in</dt>
              <dd data-testid="dashboard-checked-in">{data.totals.checked_in.toLocaleString()}</dd>
            </div>
          </dl>
          <ActivityChart series={data.series} granularity={data.granularity} timeZone={data.timezone} />
        </>
      ) : null}
    </section>
  )
}

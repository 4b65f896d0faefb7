import { Link } from 'react-router'
import type { EventView } from '../api'
import { countryName } from '../lib/countries'
import { formatDayMonth, formatRange } from '../lib/time'
import { useTimeZone } from '../lib/timezone'

export function StatusBadge({ status }: { status: string }) {
  if (status === 'scheduled') return null
  return <span className={`status status-${status}`}>{status === 'canceled' ? 'Cancelled' : 'Completed'}</span>
}

export function SeatsBadge({ available, capacity }: { available: number | null; capacity: number | null }) {
  if (available === null || capacity === null) return <span className="seats">Unlimited seats</span>
  if (available === 0) return <span className="seats seats-full">Sold out</span>
  const low = available / Math.max(1, capacity) <= 0.2
  return (
    <span className={`seats${low ? ' seats-low' : ''}`}>
      {available.toLocaleString()} {available === 1 ? 'seat' : 'seats'} left
    </span>
  )
}

export function EventCard({ event }: { event: EventView }) {
  const { zoneFor } = useTimeZone()
  const zone = zoneFor(event.timezone)
  const date = formatDayMonth(event.start_time, zone)
  return (
    <li className="event-card">
      <div className="event-date" aria-hidden="true">
        <span className="event-date-month">{date.month}</span>
        <span className="event-date-day">{date.day}</span>
      </div>
      <div className="event-card-body">
        <h3 className="event-card-title">
          <Link to={`/events/${event.id}`}>{event.title}</Link>
        </h3>
        <p className="event-card-when">
          <time dateTime={event.start_time}>{formatRange(event.start_time, event.end_time, zone)}</time>
        </p>
        <p className="event-card-where">
          {event.location} · {countryName(event.country)}
        </p>
        <div className="event-card-meta">
          <SeatsBadge available={event.seats_available} capacity={event.capacity} />
          <StatusBadge status={event.status} />
          {event.tags.map((tag) => (
            <span key={tag} className="tag">
              #{tag}
            </span>
          ))}
        </div>
      </div>
    </li>
  )
}

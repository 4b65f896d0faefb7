import { useId } from 'react'
import type { DashboardBucket } from '../api'

interface ActivityChartProps {
  series: DashboardBucket[]
  /** `hour` or `day`: the width of each bucket. */
  granularity: string
  /** The event's zone, in which the buckets are local hours or days. */
  timeZone: string
}

const WIDTH = 640
const HEIGHT = 220
const PAD = { top: 16, right: 12, bottom: 36, left: 40 }

function formatter(timeZone: string, granularity: string): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions =
    granularity === 'hour'
      ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }
      : { day: 'numeric', month: 'short', year: 'numeric' }
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone })
  } catch {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' })
  }
}

/** Sums and the busiest bucket, for the chart's text description. */
export function describeActivity(series: DashboardBucket[], label: (iso: string) => string, unit: string): string {
  if (series.length === 0) return 'No bookings yet.'
  const bookings = series.reduce((sum, b) => sum + b.bookings, 0)
  const cancellations = series.reduce((sum, b) => sum + b.cancellations, 0)
  const checkIns = series.reduce((sum, b) => sum + b.check_ins, 0)
  const busiest = series.reduce((top, b) => (b.bookings > top.bookings ? b : top), series[0])
  const span = `From ${label(series[0].start)} to ${label(series[series.length - 1].start)}`
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return (
    `${span}: ${plural(bookings, 'booking')}, ${plural(cancellations, 'cancellation')} and ${plural(checkIns, 'check-in')}` +
    (bookings > 0 ? `; the busiest ${unit} was ${label(busiest.start)} with ${plural(busiest.bookings, 'booking')}.` : '.')
  )
}

/**
 * Bookings, cancellations and check-ins per bucket as grouped bars, in plain SVG: the SVG carries a
 * title and a description for screen readers, and the numbers are also in a table.
 */
export function ActivityChart({ series, granularity, timeZone }: ActivityChartProps) {
  const id = useId()
  const format = formatter(timeZone, granularity)
  const label = (iso: string) => format.format(new Date(iso))
  const unit = granularity === 'hour' ? 'hour' : 'day'
  if (series.length === 0) return <p className="empty">No bookings yet.</p>

  const top = Math.max(1, ...series.map((b) => Math.max(b.bookings, b.cancellations, b.check_ins)))
  const plotWidth = WIDTH - PAD.left - PAD.right
  const plotHeight = HEIGHT - PAD.top - PAD.bottom
  const slot = plotWidth / series.length
  const bar = Math.max(1, Math.min(18, slot / 3 - 1))
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight
  const height = (value: number) => (value / top) * plotHeight
  const labelEvery = Math.ceil(series.length / 6)

  return (
    <figure className="activity-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        data-testid="activity-chart"
      >
        <title id={`${id}-title`}>{`Bookings, cancellations and check-ins per ${unit}`}</title>
        <desc id={`${id}-desc`}>{describeActivity(series, label, unit)}</desc>
        <line className="axis" x1={PAD.left} y1={y(0)} x2={WIDTH - PAD.right} y2={y(0)} />
        <text className="tick" x={PAD.left - 6} y={y(top) + 4} textAnchor="end">
          {top}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
          0
        </text>
        {series.map((b, i) => {
          const x = PAD.left + i * slot + slot / 2
          return (
            <g key={b.start}>
              <rect
                className="bar-bookings"
                x={x - 1.5 * bar}
                y={y(b.bookings)}
                width={bar}
                height={height(b.bookings)}
              />
              <rect
                className="bar-cancellations"
                x={x - bar / 2}
                y={y(b.cancellations)}
                width={bar}
                height={height(b.cancellations)}
              />
              <rect
                className="bar-check-ins"
                x={x + bar / 2}
                y={y(b.check_ins)}
                width={bar}
                height={height(b.check_ins)}
              />
              {i % labelEvery === 0 ? (
                <text className="tick" x={x} y={HEIGHT - PAD.bottom + 16} textAnchor="middle">
                  {label(b.start)}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-bookings">Bookings</span> <span className="legend-cancellations">Cancellations</span>{' '}
        <span className="legend-check-ins">Check-ins</span>
      </figcaption>
      <details>
        <summary>Show the numbers as a table</summary>
        <table className="table">
          <caption className="visually-hidden">{`Bookings, cancellations and check-ins per ${unit}`}</caption>
          <thead>
            <tr>
              <th scope="col">{unit === 'hour' ? 'Hour' : 'Day'}</th>
              <th scope="col">Bookings</th>
              <th scope="col">Cancellations</th>
              <th scope="col">Check-ins</th>
            </tr>
          </thead>
          <tbody>
            {series.map((b) => (
              <tr key={b.start}>
                <th scope="row">
                  <time dateTime={b.start}>{label(b.start)}</time>
                </th>
                <td>{b.bookings}</td>
                <td>{b.cancellations}</td>
                <td>{b.check_ins}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}

interface SeatMeterProps {
  /** `null`: unlimited seats (then `available` is `null` too). */
  capacity: number | null
  available: number | null
  /** Seats booked, shown for an event with unlimited seats. */
  booked?: number
  live?: boolean
}

function LiveBadge() {
  return (
    <span className="live-badge" title="Updated live">
      <span className="live-dot" aria-hidden="true" /> Live
    </span>
  )
}

/** Seats left as text and a bar; screen readers hear changes politely. */
export function SeatMeter({ capacity, available, booked: bookedSoFar, live }: SeatMeterProps) {
  if (capacity === null || available === null) {
    return (
      <div className="seat-meter seat-meter-ok">
        <p className="seat-meter-text" aria-live="polite" aria-atomic="true" data-testid="seats-available">
          <strong>Unlimited seats</strong>
          {bookedSoFar !== undefined ? ` · ${bookedSoFar.toLocaleString()} booked` : null}
          {live ? <LiveBadge /> : null}
        </p>
      </div>
    )
  }
  const booked = capacity - available
  const ratio = capacity > 0 ? Math.min(1, Math.max(0, booked / capacity)) : 1
  const state = available === 0 ? 'full' : available / Math.max(1, capacity) <= 0.2 ? 'low' : 'ok'
  return (
    <div className={`seat-meter seat-meter-${state}`}>
      <p className="seat-meter-text" aria-live="polite" aria-atomic="true" data-testid="seats-available">
        {available === 0 ? (
          <strong>Sold out</strong>
        ) : (
          <>
            <strong>{available.toLocaleString()}</strong> of {capacity.toLocaleString()} seats left
          </>
        )}
        {live ? <LiveBadge /> : null}
      </p>
      <div
        className="seat-meter-bar"
        role="meter"
        aria-label="Seats booked"
        aria-valuemin={0}
        aria-valuemax={capacity}
        aria-valuenow={booked}
      >
        <div className="seat-meter-fill" style={{ width: `${ratio * 100}%` }} />
      </div>
    </div>
  )
}

interface SeatMeterProps {
  capacity: number
  available: number
  live?: boolean
}

/** Seats left as text and a bar; screen readers hear changes politely. */
export function SeatMeter({ capacity, available, live }: SeatMeterProps) {
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
        {live ? (
          <span className="live-badge" title="Updated live">
            <span className="live-dot" aria-hidden="true" /> Live
          </span>
        ) : null}
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

import { useEffect, useState } from 'react'

/** "9:05": minutes and seconds left. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return `${minutes}:${String(seconds).padStart(2, '0')}`
}

interface HoldCountdownProps {
  /** When the server gives the seat back, as this browser's clock reads it. */
  expiresAt: number
  onExpired: () => void
}

/** A live countdown of a seat hold; calls `onExpired` once the time is up. */
export function HoldCountdown({ expiresAt, onExpired }: HoldCountdownProps) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000)
    return () => window.clearInterval(timer)
  }, [])
  const left = expiresAt - now
  useEffect(() => {
    if (left <= 0) onExpired()
  }, [left, onExpired])
  return (
    <p className="hold-countdown" role="timer" aria-live="off" data-testid="hold-countdown">
      Your seat is held for <strong>{formatRemaining(left)}</strong>
    </p>
  )
}

import { useEffect, useState } from 'react'
import { bookingsApi } from '../lib/api'

interface TicketQrProps {
  bookingId: number
  /** The ticket code, shown under the QR code for typing in by hand. */
  code: string
  cancelToken?: string
  attendeeToken?: string
}

/**
 * A confirmed booking's ticket: its QR code (the server's SVG, shown as an image so
 * nothing in it can run) and its code as text.
 */
export function TicketQr({ bookingId, code, cancelToken, attendeeToken }: TicketQrProps) {
  const [image, setImage] = useState<string | null>(null)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let cancelled = false
    bookingsApi
      .getBookingTicketSvg({ id: bookingId, X_Cancel_Token: cancelToken, X_Attendee_Token: attendeeToken }, { responseType: 'text' })
      .then(({ data }) => {
        if (!cancelled) setImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(data)}`)
      })
      .catch(() => !cancelled && setFailed(true))
    return () => {
      cancelled = true
    }
  }, [bookingId, cancelToken, attendeeToken])

  return (
    <figure className="ticket" data-testid="ticket">
      {image ? (
        <img className="ticket-qr" src={image} alt={`QR code of ticket ${code}`} width={160} height={160} />
      ) : failed ? null : (
        <div className="ticket-qr ticket-qr-loading" aria-hidden="true" />
      )}
      <figcaption>
        <span className="muted small">Your ticket: show this at the door</span>
        <code className="ticket-code">{code}</code>
      </figcaption>
    </figure>
  )
}

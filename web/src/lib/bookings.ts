// Bookings made in this browser, with their cancel tokens (shown once by the server),
// kept in localStorage so the attendee can see and cancel them later.

export interface StoredBooking {
  id: number
  event_id: number
  event_title: string
  cancel_token: string
  name: string
  email: string
  created_at: string
}

const KEY = 'boxoffice.bookings'

export function loadBookings(): StoredBooking[] {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed)
      ? parsed.filter(
          (b): b is StoredBooking =>
            typeof b === 'object' && b !== null && typeof b.id === 'number' && typeof b.cancel_token === 'string',
        )
      : []
  } catch {
    return []
  }
}

function save(bookings: StoredBooking[]) {
  localStorage.setItem(KEY, JSON.stringify(bookings))
}

export function rememberBooking(booking: StoredBooking) {
  save([booking, ...loadBookings().filter((b) => b.id !== booking.id)])
}

export function forgetBooking(id: number) {
  save(loadBookings().filter((b) => b.id !== id))
}

export function findBooking(id: number): StoredBooking | undefined {
  return loadBookings().find((b) => b.id === id)
}

/** The most recent booking of this browser for an event, if any. */
export function bookingForEvent(eventId: number): StoredBooking | undefined {
  return loadBookings().find((b) => b.event_id === eventId)
}

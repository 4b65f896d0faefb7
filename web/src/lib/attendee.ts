// The attendee signed in on this browser by an e-mailed sign-in link: their id and attendee
// token (sent as `X-Attendee-Token`), kept in localStorage beside the bookings' cancel tokens.
// A new link replaces the token on the server, so only the latest one works.
import { attendeesApi } from './api'

export interface AttendeeSession {
  attendeeId: number
  token: string
}

const KEY = 'boxoffice.attendee'

export function loadAttendee(): AttendeeSession | null {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : null
    if (typeof parsed !== 'object' || parsed === null) return null
    const { attendeeId, token } = parsed as Record<string, unknown>
    return typeof attendeeId === 'number' && typeof token === 'string' && token ? { attendeeId, token } : null
  } catch {
    return null
  }
}

export function rememberAttendee(session: AttendeeSession) {
  localStorage.setItem(KEY, JSON.stringify(session))
}

export function forgetAttendee() {
  localStorage.removeItem(KEY)
}

// A link works once. React runs a page's effects twice in development (StrictMode), so both
// runs share the one request of a token instead of the second one finding the link used.
const redeeming = new Map<string, Promise<AttendeeSession>>()

/** Redeems a sign-in link's token and keeps the attendee token it yields. */
export function redeemSignInLink(linkToken: string): Promise<AttendeeSession> {
  let pending = redeeming.get(linkToken)
  if (!pending) {
    pending = attendeesApi.redeemMagicLink({ token: linkToken }).then(({ data }) => {
      const session = { attendeeId: data.attendee_id, token: data.token }
      rememberAttendee(session)
      return session
    })
    // A failed attempt may be retried (a network error); a used link then says so.
    pending.catch(() => redeeming.delete(linkToken))
    redeeming.set(linkToken, pending)
  }
  return pending
}

// Turns a failed API call into something to show: the server's problem+json `code`
// (RFC 9457) decides the message; a call that got no answer is a network error.
import { isAxiosError } from 'axios'

export interface FieldProblem {
  field: string
  message: string
}

export interface ApiProblem {
  /** The problem's stable `code`, `network_error`, or `unexpected_error`. */
  code: string
  status: number | null
  /** One sentence for people. */
  message: string
  /** Per-field messages of a 422 `validation_failed`. */
  fields: FieldProblem[]
  retryAfter: number | null
}

const MESSAGES: Record<string, string> = {
  event_full: 'Sorry, this event is fully booked.',
  hold_expired: 'Your hold expired and the seat went back.',
  seats_available: 'Seats are free again: book one now.',
  already_waitlisted: 'You are already on the waitlist for this event.',
  already_booked: 'This e-mail address already holds a seat for this event.',
  event_not_bookable: 'This event is not taking bookings (it was cancelled, is completed or has ended).',
  event_not_found: 'This event does not exist (any more).',
  booking_not_found: 'This booking could not be found: it may have been removed with its event.',
  invalid_credentials: 'Wrong username, e-mail or password.',
  token_expired: 'Your session has expired. Please sign in again.',
  invalid_token: 'Your session is no longer valid. Please sign in again.',
  authentication_required: 'Please sign in first.',
  forbidden: 'You are not allowed to do that: only the event’s organizer can.',
  email_taken: 'An account with this e-mail address already exists.',
  username_taken: 'This username is taken.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  magic_link_invalid: 'This sign-in link has expired or was already used. Ask for a new one.',
  email_unavailable: 'This Boxoffice does not send e-mail, so it cannot send sign-in links.',
  invalid_timezone: 'The server does not know the chosen time zone.',
  webhook_not_found: 'This webhook no longer exists.',
  webhook_delivery_not_found: 'This delivery no longer exists.',
  validation_failed: 'Some fields need attention.',
  internal_error: 'Something went wrong on the server. Please try again.',
  network_error: 'Could not reach Boxoffice. Check your connection and try again.',
}

export function messageFor(code: string, fallback?: string): string {
  return MESSAGES[code] ?? fallback ?? 'Something went wrong. Please try again.'
}

interface ProblemBody {
  code?: unknown
  title?: unknown
  detail?: unknown
  errors?: unknown
}

export function toProblem(error: unknown): ApiProblem {
  if (isAxiosError(error)) {
    const response = error.response
    if (!response) {
      return {
        code: 'network_error',
        status: null,
        message: messageFor('network_error'),
        fields: [],
        retryAfter: null,
      }
    }
    const body = (typeof response.data === 'object' && response.data !== null
      ? response.data
      : {}) as ProblemBody
    const code = typeof body.code === 'string' ? body.code : `http_${response.status}`
    const detail = typeof body.detail === 'string' ? body.detail : undefined
    const fields = Array.isArray(body.errors)
      ? body.errors.filter(
          (e): e is FieldProblem =>
            typeof e === 'object' && e !== null && typeof e.field === 'string' && typeof e.message === 'string',
        )
      : []
    const retry = Number(response.headers?.['retry-after'])
    let message = messageFor(code, detail)
    if (code === 'rate_limited' && Number.isFinite(retry)) {
      message = `Too many attempts. Please try again in ${retry} seconds.`
    }
    return {
      code,
      status: response.status,
      message,
      fields,
      retryAfter: Number.isFinite(retry) ? retry : null,
    }
  }
  return {
    code: 'unexpected_error',
    status: null,
    message: error instanceof Error ? error.message : String(error),
    fields: [],
    retryAfter: null,
  }
}

// What a scan at the door came to, in words a door keeper reads at a glance.
import { isAxiosError } from 'axios'
import type { CheckInView } from '../api'
import { formatDateTime } from './time'
import { toProblem } from './problem'

export type ScanResult =
  | { kind: 'admitted'; title: string; detail: string }
  | { kind: 'refused'; title: string; detail: string }

/** The first admission carried by a 409 `already_checked_in`, if the answer has one. */
function firstAdmission(error: unknown): CheckInView | null {
  if (!isAxiosError(error)) return null
  const data = error.response?.data as { check_in?: CheckInView } | undefined
  return data?.check_in ?? null
}

export function admitted(checkIn: CheckInView): ScanResult {
  return { kind: 'admitted', title: 'Admitted', detail: checkIn.attendee_name }
}

/** Why a ticket was refused: one line to shout, one to explain. */
export function refused(error: unknown, zone: string): ScanResult {
  const problem = toProblem(error)
  switch (problem.code) {
    case 'already_checked_in': {
      const first = firstAdmission(error)
      const when = first ? formatDateTime(first.checked_in_at, zone) : ''
      const by = first?.checked_in_by ? ` by ${first.checked_in_by}` : ''
      const who = first ? `${first.attendee_name} came in ${when}${by}.` : problem.message
      return { kind: 'refused', title: 'Already checked in', detail: who }
    }
    case 'ticket_cancelled':
      return { kind: 'refused', title: 'Cancelled booking', detail: 'This ticket’s booking was cancelled.' }
    case 'ticket_for_another_event':
      return { kind: 'refused', title: 'Wrong event', detail: 'This ticket is for another event.' }
    case 'invalid_ticket':
      return { kind: 'refused', title: 'Not a valid ticket', detail: 'The code was mistyped, damaged or forged.' }
    case 'forbidden':
      return {
        kind: 'refused',
        title: 'Not on the door staff',
        detail: 'Only the organizer and the door staff they named can check tickets in.',
      }
    default:
      return { kind: 'refused', title: 'Could not check in', detail: problem.message }
  }
}

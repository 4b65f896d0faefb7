import { describe, expect, it } from 'vitest'
import { problem } from '../test/problems'
import { admitted, refused } from './door'

const checkIn = {
  booking_id: 4,
  event_id: 3,
  attendee_name: 'Asha Rao',
  checked_in_at: '2030-12-05T19:02:00+01:00',
  checked_in_by: 'bob',
}

describe('door outcomes', () => {
  it('admits by name', () => {
    expect(admitted(checkIn)).toEqual({ kind: 'admitted', title: 'Admitted', detail: 'Asha Rao' })
  })

  it('says when and by whom a ticket was first admitted', () => {
    const result = refused(problem(409, 'already_checked_in', { check_in: checkIn }), 'Europe/Paris')
    expect(result.kind).toBe('refused')
    expect(result.title).toBe('Already checked in')
    expect(result.detail).toContain('Asha Rao came in')
    expect(result.detail).toContain('by bob')
  })

  it.each([
    ['ticket_cancelled', 409, 'Cancelled booking'],
    ['ticket_for_another_event', 422, 'Wrong event'],
    ['invalid_ticket', 422, 'Not a valid ticket'],
    ['forbidden', 403, 'Not on the door staff'],
  ])('refuses %s clearly', (code, status, title) => {
    expect(refused(problem(status, code), 'UTC')).toMatchObject({ kind: 'refused', title })
  })
})

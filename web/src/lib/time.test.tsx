import { describe, expect, it } from 'vitest'
import { formatDateTime, fromLocalInput, toLocalInput } from './time'

describe('times in zones', () => {
  it('reads a wall-clock time in a zone', () => {
    expect(fromLocalInput('2027-03-01T18:00', 'Asia/Kolkata')?.toISOString()).toBe('2027-03-01T12:30:00.000Z')
    expect(fromLocalInput('2027-07-01T18:00', 'Europe/Paris')?.toISOString()).toBe('2027-07-01T16:00:00.000Z')
    expect(fromLocalInput('2027-01-01T18:00', 'Europe/Paris')?.toISOString()).toBe('2027-01-01T17:00:00.000Z')
    expect(fromLocalInput('garbage', 'UTC')).toBeNull()
  })

  it('writes an instant as wall-clock time of a zone', () => {
    expect(toLocalInput('2027-03-01T18:00:00+05:30', 'Asia/Kolkata')).toBe('2027-03-01T18:00')
    expect(toLocalInput('2027-03-01T18:00:00+05:30', 'America/New_York')).toBe('2027-03-01T07:30')
  })

  it('round-trips across a daylight-saving change', () => {
    for (const local of ['2027-03-27T12:00', '2027-03-28T12:00', '2027-10-31T12:00']) {
      const instant = fromLocalInput(local, 'Europe/Paris')!
      expect(toLocalInput(instant.toISOString(), 'Europe/Paris')).toBe(local)
    }
  })

  it('formats in the zone asked for, whatever offset the server used', () => {
    const iso = '2027-03-01T18:00:00+05:30'
    expect(formatDateTime(iso, 'Asia/Kolkata')).toMatch(/18:00|06:00\sPM/)
    expect(formatDateTime(iso, 'UTC')).toMatch(/12:30\b/)
    expect(formatDateTime('not a date', 'UTC')).toBe('not a date')
  })
})

import { describe, expect, it } from 'vitest'
import { describeNotification, fromFrame, fromView, mergeNotifications } from './notifications'

const frame = (type: string, timestamp: string, title = 'Rust Meetup') =>
  fromFrame({ type: 'notification', notification_type: type, event: { id: '4', title, action: 'x', timestamp }, user: 'alice' })

const view = (id: string, type: string, timestamp: string, title = 'Rust Meetup') =>
  fromView({ id, type: 'notification', notification_type: type as never, event: { id: '4', title, action: 'x', timestamp }, user: 'alice' })

describe('notifications', () => {
  it('merges live frames and history newest first, each once', () => {
    const live = [frame('event.updated', '2026-11-21T10:05:00Z')]
    const history = [view('b', 'event.updated', '2026-11-21T10:05:00Z'), view('a', 'event.created', '2026-11-21T10:00:00Z')]
    const merged = mergeNotifications(live, history)
    expect(merged.map((n) => n.type)).toEqual(['event.updated', 'event.created'])
    expect(merged[0].live).toBe(true)
  })

  it('keeps two bookings of the same second apart', () => {
    const live = [frame('booking.created', '2026-11-21T10:05:00Z'), frame('booking.created', '2026-11-21T10:05:00Z')]
    const history = [view('c', 'booking.created', '2026-11-21T10:05:00Z'), view('d', 'booking.created', '2026-11-21T10:05:00Z'), view('e', 'booking.created', '2026-11-21T10:05:00Z')]
    expect(mergeNotifications(live, history)).toHaveLength(3)
    expect(mergeNotifications([], [...history, history[0]])).toHaveLength(3)
  })

  it('says what happened', () => {
    expect(describeNotification(frame('event.created', 't'))).toBe('alice created “Rust Meetup”')
    expect(describeNotification(frame('booking.cancelled', 't'))).toBe('A booking for “Rust Meetup” was cancelled')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveConnection, socketUrl, type SocketLike } from './liveSocket'

class FakeSocket implements SocketLike {
  readyState = 0
  onopen: SocketLike['onopen'] = null
  onclose: SocketLike['onclose'] = null
  onmessage: SocketLike['onmessage'] = null
  onerror: SocketLike['onerror'] = null
  sent: unknown[] = []
  url: string
  constructor(url: string) {
    this.url = url
  }
  send(data: string) {
    this.sent.push(JSON.parse(data))
  }
  close() {
    this.readyState = 3
  }
  open() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  receive(frame: object) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }))
  }
  drop() {
    this.readyState = 3
    this.onclose?.(new CloseEvent('close'))
  }
}

describe('LiveConnection', () => {
  let sockets: FakeSocket[]
  beforeEach(() => {
    vi.useFakeTimers()
    sockets = []
  })
  afterEach(() => vi.useRealTimers())

  function connect() {
    return new LiveConnection('ws://test/ws', (url) => {
      const socket = new FakeSocket(url)
      sockets.push(socket)
      return socket
    })
  }

  it('builds the URL with the token', () => {
    expect(socketUrl(null, { protocol: 'http:', host: 'h:8000' })).toBe('ws://h:8000/ws')
    expect(socketUrl('a b', { protocol: 'https:', host: 'h' })).toBe('wss://h/ws?token=a%20b')
  })

  it('watches events and hands out their seat counts', () => {
    const live = connect()
    const seen: (number | null)[] = []
    live.watch(7, (frame) => seen.push(frame.seats_available))
    sockets[0].open()
    expect(sockets[0].sent).toEqual([{ action: 'watch', event_id: 7 }])
    sockets[0].receive({ type: 'seats', event_id: 7, capacity: 5, seats_booked: 1, seats_available: 4, timestamp: 't' })
    sockets[0].receive({ type: 'seats', event_id: 8, capacity: 5, seats_booked: 0, seats_available: 5, timestamp: 't' })
    expect(seen).toEqual([4])
    expect(live.latestSeats(7)?.seats_available).toBe(4)
  })

  it('reconnects with back-off and watches again', () => {
    const live = connect()
    const statuses: string[] = []
    live.onStatus((s) => statuses.push(s))
    live.watch(3, () => {})
    sockets[0].open()
    sockets[0].drop()
    expect(statuses).toEqual(['open', 'closed'])
    vi.advanceTimersByTime(499)
    expect(sockets).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(sockets).toHaveLength(2)
    sockets[1].open()
    expect(sockets[1].sent).toEqual([{ action: 'watch', event_id: 3 }])
    live.close()
    sockets[1].drop()
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(2)
  })

  it('passes notifications on and stops watching when the last listener leaves', () => {
    const live = connect()
    sockets[0].open()
    const notes: string[] = []
    live.onNotification((n) => notes.push(n.notification_type))
    sockets[0].receive({
      type: 'notification',
      notification_type: 'event.updated',
      event: { id: '3', title: 'A', action: 'updated', timestamp: 't' },
      user: 'alice',
    })
    expect(notes).toEqual(['event.updated'])
    const stop = live.watch(3, () => {})
    stop()
    expect(sockets[0].sent).toEqual([
      { action: 'watch', event_id: 3 },
      { action: 'unwatch', event_id: 3 },
    ])
  })
})

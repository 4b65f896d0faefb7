// One WebSocket to /ws per page: live seat counts for the events being watched, and
// the signed-in user's notifications (notification frames). Reconnects with back-off and
// watches again what it watched before.

export interface SeatsFrame {
  type: 'seats'
  event_id: number
  /** `null` for an event with unlimited seats, as is `seats_available`. */
  capacity: number | null
  seats_booked: number
  seats_available: number | null
  timestamp: string
}

export interface NotificationFrame {
  type: 'notification'
  notification_type: string
  event: { id: string; title: string; action: string; timestamp: string }
  user?: string | null
}

export type LiveStatus = 'connecting' | 'open' | 'closed'

type SeatsListener = (frame: SeatsFrame) => void
type NotificationListener = (frame: NotificationFrame) => void
type StatusListener = (status: LiveStatus) => void

export interface SocketLike {
  readyState: number
  onopen: ((ev: Event) => unknown) | null
  onclose: ((ev: CloseEvent) => unknown) | null
  onmessage: ((ev: MessageEvent) => unknown) | null
  onerror: ((ev: Event) => unknown) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

const OPEN = 1

export function socketUrl(token: string | null, location: { protocol: string; host: string } = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const query = token ? `?token=${encodeURIComponent(token)}` : ''
  return `${scheme}://${location.host}/ws${query}`
}

export class LiveConnection {
  private socket: SocketLike | null = null
  private readonly seats = new Map<number, Set<SeatsListener>>()
  private readonly latest = new Map<number, SeatsFrame>()
  private readonly notifications = new Set<NotificationListener>()
  private readonly statuses = new Set<StatusListener>()
  private status: LiveStatus = 'connecting'
  private retryDelay = 500
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false
  private readonly url: string
  private readonly open: (url: string) => SocketLike

  constructor(url: string, open: (url: string) => SocketLike = (url) => new WebSocket(url)) {
    this.url = url
    this.open = open
    this.connect()
  }

  private connect() {
    if (this.stopped) return
    this.setStatus('connecting')
    let socket: SocketLike
    try {
      socket = this.open(this.url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      this.retryDelay = 500
      this.setStatus('open')
      for (const eventId of this.seats.keys()) this.send({ action: 'watch', event_id: eventId })
    }
    socket.onmessage = (message) => this.receive(message.data)
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null
      this.setStatus('closed')
      this.scheduleReconnect()
    }
    socket.onerror = () => {
      // onclose follows and reconnects
    }
  }

  private scheduleReconnect() {
    if (this.stopped || this.retryTimer) return
    const delay = this.retryDelay
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.connect()
    }, delay)
  }

  private receive(data: unknown) {
    if (typeof data !== 'string') return
    let frame: { type?: string }
    try {
      frame = JSON.parse(data)
    } catch {
      return
    }
    if (frame.type === 'seats') {
      const seats = frame as SeatsFrame
      this.latest.set(seats.event_id, seats)
      for (const listener of this.seats.get(seats.event_id) ?? []) listener(seats)
    } else if (frame.type === 'notification') {
      for (const listener of this.notifications) listener(frame as NotificationFrame)
    }
  }

  private send(message: object) {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message))
  }

  private setStatus(status: LiveStatus) {
    this.status = status
    for (const listener of this.statuses) listener(status)
  }

  getStatus(): LiveStatus {
    return this.status
  }

  /** Live seat counts of an event; returns the function that stops watching. */
  watch(eventId: number, listener: SeatsListener): () => void {
    let listeners = this.seats.get(eventId)
    if (!listeners) {
      listeners = new Set()
      this.seats.set(eventId, listeners)
      this.send({ action: 'watch', event_id: eventId })
    }
    listeners.add(listener)
    return () => {
      const current = this.seats.get(eventId)
      if (!current) return
      current.delete(listener)
      if (current.size === 0) {
        this.seats.delete(eventId)
        this.latest.delete(eventId)
        this.send({ action: 'unwatch', event_id: eventId })
      }
    }
  }

  latestSeats(eventId: number): SeatsFrame | undefined {
    return this.latest.get(eventId)
  }

  onNotification(listener: NotificationListener): () => void {
    this.notifications.add(listener)
    return () => this.notifications.delete(listener)
  }

  onStatus(listener: StatusListener): () => void {
    this.statuses.add(listener)
    return () => this.statuses.delete(listener)
  }

  close() {
    this.stopped = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    const socket = this.socket
    this.socket = null
    if (socket) {
      socket.onclose = null
      socket.close(1000, 'bye')
    }
    this.setStatus('closed')
  }
}

// The signed-in user's notifications: live frames from the WebSocket, merged with the
// history of GET /notifications, newest first and without duplicates.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { NotificationView } from '../api'
import { notificationsApi } from './api'
import { useAuth } from './auth'
import { useNotificationFrames } from './live'
import type { NotificationFrame } from './liveSocket'
import { toProblem } from './problem'

export interface NotificationItem {
  /** Unique in a list: the notification's id (history) or a local number (live). */
  key: string
  type: string
  eventId: string
  title: string
  action: string
  timestamp: string
  user: string | null
  live: boolean
}

let liveCounter = 0

export function fromFrame(frame: NotificationFrame): NotificationItem {
  liveCounter += 1
  return {
    key: `live-${liveCounter}`,
    type: frame.notification_type,
    eventId: frame.event.id,
    title: frame.event.title,
    action: frame.event.action,
    timestamp: frame.event.timestamp,
    user: frame.user ?? null,
    live: true,
  }
}

export function fromView(view: NotificationView): NotificationItem {
  return {
    key: `id-${view.id}`,
    type: view.notification_type,
    eventId: view.event.id,
    title: view.event.title,
    action: view.event.action,
    timestamp: view.event.timestamp,
    user: view.user ?? null,
    live: false,
  }
}

function signature(item: NotificationItem): string {
  return `${item.type}|${item.eventId}|${item.timestamp}|${item.user ?? ''}`
}

/**
 * Both lists in one, newest first, each notification once. Live frames carry no id and
 * times to the second, so a history entry is dropped only when a live frame with the
 * same content has not been matched yet (two bookings in one second stay two).
 */
export function mergeNotifications(live: NotificationItem[], history: NotificationItem[]): NotificationItem[] {
  const unmatched = new Map<string, number>()
  for (const item of live) unmatched.set(signature(item), (unmatched.get(signature(item)) ?? 0) + 1)
  const seen = new Set<string>()
  const all = [...live]
  for (const item of history) {
    if (seen.has(item.key)) continue
    seen.add(item.key)
    const left = unmatched.get(signature(item)) ?? 0
    if (left > 0) {
      unmatched.set(signature(item), left - 1)
      continue
    }
    all.push(item)
  }
  return all.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
}

/** "alice updated “Rust Meetup”". */
export function describeNotification(item: NotificationItem): string {
  const who = item.user ?? 'Someone'
  const title = `“${item.title}”`
  switch (item.type) {
    case 'event.created':
      return `${who} created ${title}`
    case 'event.updated':
      return `${who} updated ${title}`
    case 'event.deleted':
      return `${who} deleted ${title}`
    case 'booking.created':
      return `New booking for ${title}`
    case 'booking.cancelled':
      return `A booking for ${title} was cancelled`
    default:
      return `${title}: ${item.action}`
  }
}

const PAGE_SIZE = 20

interface NotificationsState {
  items: NotificationItem[]
  unread: number
  markRead: () => void
  loading: boolean
  error: string | null
  hasMore: boolean
  loadMore: () => void
  reload: () => void
}

const NotificationsContext = createContext<NotificationsState | null>(null)

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const token = session?.token ?? null
  const [live, setLive] = useState<NotificationItem[]>([])
  const [history, setHistory] = useState<NotificationItem[]>([])
  const [page, setPage] = useState(1)
  const [total, setTotal] = useState(0)
  const [unread, setUnread] = useState(0)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [generation, setGeneration] = useState(0)

  // A new session starts from scratch.
  useEffect(() => {
    setLive([])
    setHistory([])
    setPage(1)
    setUnread(0)
  }, [token])

  useEffect(() => {
    if (!token) return
    let cancelled = false
    setLoading(true)
    setError(null)
    notificationsApi
      .getNotifications({ page, page_size: PAGE_SIZE })
      .then(({ data }) => {
        if (cancelled) return
        const items = data.items.map(fromView)
        setHistory((before) => (page === 1 ? items : [...before, ...items]))
        setTotal(data.total)
      })
      .catch((e) => !cancelled && setError(toProblem(e).message))
      .finally(() => !cancelled && setLoading(false))
    return () => {
      cancelled = true
    }
  }, [token, page, generation])

  const onFrame = useCallback((frame: NotificationFrame) => {
    setLive((before) => [fromFrame(frame), ...before])
    setUnread((n) => n + 1)
  }, [])
  useNotificationFrames(onFrame)

  const value = useMemo<NotificationsState>(
    () => ({
      items: token ? mergeNotifications(live, history) : [],
      unread: token ? unread : 0,
      markRead: () => setUnread(0),
      loading,
      error,
      hasMore: history.length < total,
      loadMore: () => setPage((p) => p + 1),
      reload: () => {
        setPage(1)
        setGeneration((g) => g + 1)
      },
    }),
    [token, live, history, unread, loading, error, total],
  )
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>
}

export function useNotifications(): NotificationsState {
  const state = useContext(NotificationsContext)
  if (!state) throw new Error('useNotifications outside NotificationsProvider')
  return state
}

// React side of the live connection: one LiveConnection per signed-in state, the seat
// counts of one event, and the notifications that arrive while the page is open.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { useAuth } from './auth'
import { LiveConnection, socketUrl, type LiveStatus, type NotificationFrame, type SeatsFrame } from './liveSocket'

const LiveContext = createContext<LiveConnection | null>(null)

export function LiveProvider({ children }: { children: ReactNode }) {
  const { session } = useAuth()
  const token = session?.token ?? null
  const [connection, setConnection] = useState<LiveConnection | null>(null)
  useEffect(() => {
    const live = new LiveConnection(socketUrl(token))
    setConnection(live)
    return () => live.close()
  }, [token])
  return <LiveContext.Provider value={connection}>{children}</LiveContext.Provider>
}

export function useLiveConnection(): LiveConnection | null {
  return useContext(LiveContext)
}

/** The latest seat counts of an event pushed by the server (undefined until the first). */
export function useLiveSeats(eventId: number | null): SeatsFrame | undefined {
  const live = useLiveConnection()
  const [seats, setSeats] = useState<SeatsFrame | undefined>(undefined)
  useEffect(() => {
    if (!live || eventId === null) return
    setSeats(live.latestSeats(eventId))
    return live.watch(eventId, setSeats)
  }, [live, eventId])
  return seats
}

export function useLiveStatus(): LiveStatus {
  const live = useLiveConnection()
  const [status, setStatus] = useState<LiveStatus>('connecting')
  useEffect(() => {
    if (!live) return
    setStatus(live.getStatus())
    return live.onStatus(setStatus)
  }, [live])
  return status
}

export function useNotificationFrames(listener: (frame: NotificationFrame) => void) {
  const live = useLiveConnection()
  useEffect(() => {
    if (!live) return
    return live.onNotification(listener)
  }, [live, listener])
}

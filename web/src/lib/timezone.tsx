// The time zone the user wants times in: '' means each event's own zone. Kept in
// localStorage; every request carries it as X-Timezone, so the server renders in it too.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { setRequestTimeZone } from './api'
import { isKnownZone } from './time'

const KEY = 'boxoffice.timezone'

interface TimeZoneState {
  /** The chosen IANA zone, or '' for each event's own zone. */
  zone: string
  setZone: (zone: string) => void
  /** The zone to show a time of an event in. */
  zoneFor: (eventZone: string) => string
}

const TimeZoneContext = createContext<TimeZoneState | null>(null)

function initialZone(): string {
  try {
    const stored = localStorage.getItem(KEY) ?? ''
    return stored && isKnownZone(stored) ? stored : ''
  } catch {
    return ''
  }
}

export function TimeZoneProvider({ children }: { children: ReactNode }) {
  const [zone, setZoneState] = useState(() => {
    const zone = initialZone()
    setRequestTimeZone(zone || null)
    return zone
  })
  const setZone = useCallback((next: string) => {
    setRequestTimeZone(next || null)
    try {
      if (next) localStorage.setItem(KEY, next)
      else localStorage.removeItem(KEY)
    } catch {
      // private mode: the choice lasts for this page only
    }
    setZoneState(next)
  }, [])
  const value = useMemo(
    () => ({ zone, setZone, zoneFor: (eventZone: string) => zone || eventZone }),
    [zone, setZone],
  )
  return <TimeZoneContext.Provider value={value}>{children}</TimeZoneContext.Provider>
}

export function useTimeZone(): TimeZoneState {
  const state = useContext(TimeZoneContext)
  if (!state) throw new Error('useTimeZone outside TimeZoneProvider')
  return state
}

// Places in waitlists taken in this browser, with their tokens (shown once by the server),
// kept in localStorage so the person can see their position and leave the line later.

export interface StoredPlace {
  id: number
  event_id: number
  token: string
}

const KEY = 'boxoffice.waitlist'

export function loadPlaces(): StoredPlace[] {
  try {
    const raw = localStorage.getItem(KEY)
    const parsed: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(parsed)
      ? parsed.filter(
          (p): p is StoredPlace =>
            typeof p === 'object' && p !== null && typeof p.id === 'number' && typeof p.token === 'string',
        )
      : []
  } catch {
    return []
  }
}

function save(places: StoredPlace[]) {
  localStorage.setItem(KEY, JSON.stringify(places))
}

export function rememberPlace(place: StoredPlace) {
  save([place, ...loadPlaces().filter((p) => p.id !== place.id)])
}

export function forgetPlace(id: number) {
  save(loadPlaces().filter((p) => p.id !== id))
}

/** This browser's most recent place in the event's line, if any. */
export function placeForEvent(eventId: number): StoredPlace | undefined {
  return loadPlaces().find((p) => p.event_id === eventId)
}

/** "You are next", "2nd in line", ... */
export function describePosition(position: number): string {
  if (position === 1) return 'You are next in line'
  const rem100 = position % 100
  const suffix =
    rem100 >= 11 && rem100 <= 13 ? 'th' : position % 10 === 1 ? 'st' : position % 10 === 2 ? 'nd' : position % 10 === 3 ? 'rd' : 'th'
  return `You are ${position}${suffix} in line`
}

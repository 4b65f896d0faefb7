// Times: the server sends RFC 3339 with the offset of the zone it rendered in; the app
// shows them with Intl in the same zone (the chosen one, or the event's own).

/** The browser's own zone, e.g. Europe/Paris. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

const COMMON_ZONES = [
  'UTC',
  'Asia/Kolkata',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Asia/Dubai',
  'Australia/Sydney',
  'Africa/Johannesburg',
]

/** Every zone the browser knows (common ones when it cannot list them), sorted. */
export function allZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
  let zones: string[] = []
  try {
    zones = intl.supportedValuesOf?.('timeZone') ?? []
  } catch {
    zones = []
  }
  const set = new Set([...zones, ...COMMON_ZONES, browserZone()])
  return [...set].sort()
}

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function formatter(zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone })
  } catch {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' })
  }
}

/** "Sat, 20 Mar 2027, 18:00 GMT+5:30" in `zone`. */
export function formatDateTime(iso: string, zone: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return formatter(zone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date)
}

/** A start and an end: the end without its date when both fall on the same day.
 * An event without an end shows its start alone. */
export function formatRange(startIso: string, endIso: string | null, zone: string): string {
  if (endIso === null) return formatDateTime(startIso, zone)
  const start = new Date(startIso)
  const end = new Date(endIso)
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startIso} – ${endIso}`
  const day = formatter(zone, { year: 'numeric', month: '2-digit', day: '2-digit' })
  if (day.format(start) === day.format(end)) {
    const time = formatter(zone, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })
    const startText = formatter(zone, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }).format(start)
    return `${startText} – ${time.format(end)}`
  }
  return `${formatDateTime(startIso, zone)} – ${formatDateTime(endIso, zone)}`
}

/** The date alone, for compact lists: "20 Mar". */
export function formatDayMonth(iso: string, zone: string): { day: string; month: string } {
  const date = new Date(iso)
  return {
    day: formatter(zone, { day: 'numeric' }).format(date),
    month: formatter(zone, { month: 'short' }).format(date),
  }
}

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function wallClockOf(instant: number, zone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  }
}

function offsetAt(instant: number, zone: string): number {
  const w = wallClockOf(instant, zone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** `YYYY-MM-DDTHH:MM` (a datetime-local value) in `zone`, for an instant. */
export function toLocalInput(iso: string, zone: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const w = wallClockOf(date.getTime(), zone)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`
}

/** The instant of a datetime-local value read in `zone`; null if it is not a valid value. */
export function fromLocalInput(local: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? 0))
  const guess = Date.UTC(year, month - 1, day, hour, minute, second || 0)
  let instant = guess - offsetAt(guess, zone)
  instant = guess - offsetAt(instant, zone)
  return new Date(instant)
}

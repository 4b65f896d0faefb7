// The organizer's event form: the same rules as the server (docs/api.md, "Events"), so
// most mistakes show before anything is sent; the server's own per-field errors are
// mapped onto the same fields when it still refuses.
import type { EventCreate, EventUpdate, EventView } from '../api'
import { isCountryCode } from './countries'
import type { FieldProblem } from './problem'
import { browserZone, fromLocalInput, isKnownZone, toLocalInput } from './time'

export interface EventForm {
  title: string
  description: string
  location: string
  country: string
  timezone: string
  /** datetime-local values, wall-clock time in `timezone`. */
  start: string
  end: string
  capacity: string
  /** Comma-separated. */
  tags: string
  status: string
  attachment_url: string
}

export type FormField = keyof EventForm
export type FormErrors = Partial<Record<FormField, string>>

export const LIMITS = {
  title: 100,
  description: 5000,
  location: 200,
  capacityMin: 1,
  capacityMax: 1_000_000,
  tags: 20,
  tagLength: 50,
  url: 2048,
} as const

/** Length in characters (code points), as the server counts. */
function chars(text: string): number {
  return [...text].length
}

export function emptyForm(): EventForm {
  return {
    title: '',
    description: '',
    location: '',
    country: '',
    timezone: browserZone(),
    start: '',
    end: '',
    capacity: '50',
    tags: '',
    status: 'scheduled',
    attachment_url: '',
  }
}

export function formFromEvent(event: EventView): EventForm {
  return {
    title: event.title,
    description: event.description ?? '',
    location: event.location,
    country: event.country,
    timezone: event.timezone,
    start: toLocalInput(event.start_time, event.timezone),
    // An event made without an end or a seat limit (through the API) keeps them blank.
    end: event.end_time === null ? '' : toLocalInput(event.end_time, event.timezone),
    capacity: event.capacity === null ? '' : String(event.capacity),
    tags: event.tags.join(', '),
    status: event.status,
    // With an uploaded file, `attachment_url` is the file's download path, not a typed link.
    attachment_url: event.attachment ? '' : (event.attachment_url ?? ''),
  }
}

/** Tags as the server stores them: trimmed, lower-case, without duplicates or blanks. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0)
  return [...new Set(tags)]
}

interface Context {
  now: Date
  /** The event being edited; absent when creating. */
  original?: EventView
}

export function validateEventForm(form: EventForm, { now, original }: Context): FormErrors {
  const errors: FormErrors = {}
  const title = form.title.trim()
  if (!title) errors.title = 'Give the event a title.'
  else if (chars(title) > LIMITS.title) errors.title = `At most ${LIMITS.title} characters.`

  if (chars(form.description.trim()) > LIMITS.description) {
    errors.description = `At most ${LIMITS.description} characters.`
  }

  const location = form.location.trim()
  if (!location) errors.location = 'Say where it takes place.'
  else if (chars(location) > LIMITS.location) errors.location = `At most ${LIMITS.location} characters.`

  if (!form.country.trim()) errors.country = 'Choose a country.'
  else if (!isCountryCode(form.country)) errors.country = 'Not an ISO 3166-1 country code (two letters, e.g. FR).'

  const zoneOk = form.timezone.trim() !== '' && isKnownZone(form.timezone)
  if (!zoneOk) errors.timezone = 'Choose a time zone.'

  const zone = zoneOk ? form.timezone : 'UTC'
  const start = form.start ? fromLocalInput(form.start, zone) : null
  const end = form.end ? fromLocalInput(form.end, zone) : null
  const startChanged =
    !original || form.start !== toLocalInput(original.start_time, zone) || form.timezone !== original.timezone
  if (!form.start) errors.start = 'When does it start?'
  else if (!start) errors.start = 'Not a valid date and time.'
  else if (startChanged && start.getTime() <= now.getTime()) errors.start = 'The start must be in the future.'
  // A new event may leave the end blank (it then runs to the end of its day); an existing
  // end is cleared only on purpose, through the API.
  if (!form.end) {
    if (original && original.end_time !== null) errors.end = 'When does it end?'
  } else if (!end) errors.end = 'Not a valid date and time.'
  else if (start && end.getTime() <= start.getTime()) errors.end = 'The end must be after the start.'

  const capacityText = form.capacity.trim()
  const capacity = Number(capacityText)
  // A blank capacity on a new event means unlimited seats.
  if (!capacityText) {
    if (original && original.capacity !== null) errors.capacity = 'How many seats?'
  } else if (!/^\d+$/.test(capacityText) || !Number.isSafeInteger(capacity)) errors.capacity = 'A whole number of seats.'
  else if (capacity < LIMITS.capacityMin || capacity > LIMITS.capacityMax) {
    errors.capacity = 'Between 1 and 1,000,000 seats.'
  } else if (original && capacity < original.seats_booked) {
    errors.capacity = `${original.seats_booked} seats are already booked: the capacity cannot be lower.`
  }

  const tags = parseTags(form.tags)
  if (tags.length > LIMITS.tags) errors.tags = `At most ${LIMITS.tags} tags.`
  else if (tags.some((t) => chars(t) > LIMITS.tagLength)) errors.tags = `Each tag at most ${LIMITS.tagLength} characters.`

  const url = form.attachment_url.trim()
  if (url) {
    let valid = false
    try {
      const parsed = new URL(url)
      valid = parsed.protocol === 'http:' || parsed.protocol === 'https:'
    } catch {
      valid = false
    }
    if (!valid) errors.attachment_url = 'An http:// or https:// link.'
    else if (url.length > LIMITS.url) errors.attachment_url = `At most ${LIMITS.url} characters.`
  }
  return errors
}

/** The body of POST /events. Times are sent as wall-clock times in the chosen zone. */
export function toCreateBody(form: EventForm): EventCreate {
  const description = form.description.trim()
  const url = form.attachment_url.trim()
  return {
    title: form.title.trim(),
    description: description || null,
    location: form.location.trim(),
    country: form.country.trim().toUpperCase(),
    timezone: form.timezone,
    start_time: `${form.start}:00`,
    ...(form.end ? { end_time: `${form.end}:00` } : {}),
    ...(form.capacity.trim() ? { capacity: Number(form.capacity.trim()) } : {}),
    tags: parseTags(form.tags),
    attachment_url: url || null,
  }
}

/** The body of PATCH /events/{id}: only what changed. */
export function toUpdateBody(form: EventForm, original: EventView): EventUpdate {
  const before = formFromEvent(original)
  const body: EventUpdate = {}
  if (form.title.trim() !== before.title) body.title = form.title.trim()
  if (form.description.trim() !== before.description.trim()) body.description = form.description.trim() || null
  if (form.location.trim() !== before.location) body.location = form.location.trim()
  if (form.country.trim().toUpperCase() !== before.country) body.country = form.country.trim().toUpperCase()
  const zoneChanged = form.timezone !== before.timezone
  if (zoneChanged) body.timezone = form.timezone
  if (zoneChanged || form.start !== before.start) body.start_time = `${form.start}:00`
  if (zoneChanged || form.end !== before.end) body.end_time = form.end ? `${form.end}:00` : null
  if (form.capacity.trim() !== before.capacity) body.capacity = form.capacity.trim() ? Number(form.capacity.trim()) : null
  const tags = parseTags(form.tags)
  if (tags.join(',') !== [...original.tags].sort().join(',')) body.tags = tags
  if (form.status !== before.status) body.status = form.status as EventUpdate['status']
  if (form.attachment_url.trim() !== before.attachment_url) body.attachment_url = form.attachment_url.trim() || null
  return body
}

const SERVER_FIELDS: Record<string, FormField> = {
  title: 'title',
  name: 'title',
  description: 'description',
  location: 'location',
  country: 'country',
  timezone: 'timezone',
  start_time: 'start',
  date: 'start',
  startDate: 'start',
  end_time: 'end',
  endDate: 'end',
  capacity: 'capacity',
  max_capacity: 'capacity',
  max_attendees: 'capacity',
  total_seats: 'capacity',
  tags: 'tags',
  status: 'status',
  attachment_url: 'attachment_url',
}

/** The server's per-field errors on the form's fields; the rest stay in `other`. */
export function mapServerErrors(problems: FieldProblem[]): { fields: FormErrors; other: FieldProblem[] } {
  const fields: FormErrors = {}
  const other: FieldProblem[] = []
  for (const problem of problems) {
    const root = problem.field.split(/[.[]/)[0]
    const field = SERVER_FIELDS[root]
    if (field && !fields[field]) fields[field] = problem.message
    else if (!field) other.push(problem)
  }
  return { fields, other }
}

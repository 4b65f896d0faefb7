import { describe, expect, it } from 'vitest'
import type { EventView } from '../api'
import {
  emptyForm,
  formFromEvent,
  mapServerErrors,
  parseTags,
  toCreateBody,
  toUpdateBody,
  validateEventForm,
  type EventForm,
} from './eventForm'

const now = new Date('2026-11-21T12:00:00Z')

function valid(overrides: Partial<EventForm> = {}): EventForm {
  return {
    ...emptyForm(),
    title: 'Rust Meetup',
    location: 'Pune',
    country: 'IN',
    timezone: 'Asia/Kolkata',
    start: '2027-03-01T18:00',
    end: '2027-03-01T21:00',
    capacity: '50',
    tags: 'rust, Meetup, rust',
    ...overrides,
  }
}

const event: EventView = {
  id: 7,
  title: 'Rust Meetup',
  description: null,
  location: 'Pune',
  country: 'IN',
  timezone: 'Asia/Kolkata',
  start_time: '2027-03-01T18:00:00+05:30',
  end_time: '2027-03-01T21:00:00+05:30',
  ends_at: '2027-03-01T21:00:00+05:30',
  capacity: 50,
  seats_booked: 12,
  seats_available: 38,
  tags: ['meetup', 'rust'],
  status: 'scheduled',
  created_at: '2026-11-01T00:00:00+05:30',
  updated_at: '2026-11-01T00:00:00+05:30',
  created_by: 'alice',
}

describe('the event form follows the server rules', () => {
  it('edits an event made without an end or a seat limit without inventing them', () => {
    const open: EventView = { ...event, end_time: null, ends_at: '2027-03-02T00:00:00+05:30', capacity: null, seats_available: null }
    const form = formFromEvent(open)
    expect([form.end, form.capacity]).toEqual(['', ''])
    const errors = validateEventForm(form, { now, original: open })
    expect(errors.end).toBeUndefined()
    expect(errors.capacity).toBeUndefined()
    expect(toUpdateBody({ ...form, title: 'Open' }, open)).toEqual({ title: 'Open' })
    expect(toUpdateBody({ ...form, capacity: '40' }, open)).toEqual({ capacity: 40 })
    expect(toUpdateBody({ ...formFromEvent(event), capacity: '' }, event)).toEqual({ capacity: null })
  })

  it('accepts a valid event', () => {
    expect(validateEventForm(valid(), { now })).toEqual({})
  })

  it('requires title, location, country and start; a new event may leave end and capacity blank', () => {
    const errors = validateEventForm({ ...emptyForm(), capacity: '' }, { now })
    expect(Object.keys(errors).sort()).toEqual(['country', 'location', 'start', 'title'])
    expect(validateEventForm(valid({ end: '', capacity: '' }), { now })).toEqual({})
  })

  it('limits the title to 100 characters, counted as the server does', () => {
    expect(validateEventForm(valid({ title: 'é'.repeat(100) }), { now }).title).toBeUndefined()
    expect(validateEventForm(valid({ title: 'x'.repeat(101) }), { now }).title).toMatch(/100/)
    expect(validateEventForm(valid({ title: '   ' }), { now }).title).toBeDefined()
  })

  it('checks the country code', () => {
    expect(validateEventForm(valid({ country: 'XX' }), { now }).country).toMatch(/ISO 3166-1/)
    expect(validateEventForm(valid({ country: 'fr' }), { now }).country).toBeUndefined()
  })

  it('wants the start in the future and the end after the start', () => {
    expect(validateEventForm(valid({ start: '2026-11-21T10:00' }), { now }).start).toMatch(/future/)
    expect(validateEventForm(valid({ end: '2027-03-01T17:00' }), { now }).end).toMatch(/after the start/)
  })

  it('reads the start in the chosen zone: 17:00 in Kolkata is past at 12:00 UTC, in New York it is not', () => {
    const today = { start: '2026-11-21T17:00', end: '2026-11-21T23:00' }
    expect(validateEventForm(valid({ ...today, timezone: 'Asia/Kolkata' }), { now }).start).toMatch(/future/)
    expect(validateEventForm(valid({ ...today, timezone: 'America/New_York' }), { now }).start).toBeUndefined()
  })

  it('keeps the capacity between 1 and 1,000,000 and not below the seats booked', () => {
    expect(validateEventForm(valid({ capacity: '0' }), { now }).capacity).toMatch(/1,000,000/)
    expect(validateEventForm(valid({ capacity: '1000001' }), { now }).capacity).toMatch(/1,000,000/)
    expect(validateEventForm(valid({ capacity: '2.5' }), { now }).capacity).toMatch(/whole/)
    expect(validateEventForm(valid({ capacity: '1000000' }), { now }).capacity).toBeUndefined()
    const editing = formFromEvent(event)
    expect(validateEventForm({ ...editing, capacity: '11' }, { now, original: event }).capacity).toMatch(/12 seats/)
  })

  it('limits tags to 20 of at most 50 characters', () => {
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')
    expect(validateEventForm(valid({ tags: many }), { now }).tags).toMatch(/20/)
    expect(validateEventForm(valid({ tags: 'x'.repeat(51) }), { now }).tags).toMatch(/50/)
    expect(parseTags(' Rust, meetup ,rust,, ')).toEqual(['rust', 'meetup'])
  })

  it('accepts only http and https links', () => {
    expect(validateEventForm(valid({ attachment_url: 'ftp://example.com' }), { now }).attachment_url).toBeDefined()
    expect(validateEventForm(valid({ attachment_url: 'https://example.com/x' }), { now }).attachment_url).toBeUndefined()
  })

  it('does not re-check an unchanged start of an event that has begun', () => {
    const started = { ...event, start_time: '2026-11-21T10:00:00+05:30', end_time: '2026-11-22T10:00:00+05:30' }
    const form = formFromEvent(started)
    expect(validateEventForm({ ...form, title: 'New title' }, { now, original: started })).toEqual({})
  })
})

describe('request bodies', () => {
  it('sends wall-clock times in the event zone on create', () => {
    expect(toCreateBody(valid())).toMatchObject({
      title: 'Rust Meetup',
      country: 'IN',
      timezone: 'Asia/Kolkata',
      start_time: '2027-03-01T18:00:00',
      end_time: '2027-03-01T21:00:00',
      capacity: 50,
      tags: ['rust', 'meetup'],
      description: null,
    })
  })

  it('leaves out a blank end and a blank capacity on create (end of the day, unlimited seats)', () => {
    const body = toCreateBody(valid({ end: '', capacity: '' }))
    expect(body).not.toHaveProperty('end_time')
    expect(body).not.toHaveProperty('capacity')
  })

  it('sends only what changed on update', () => {
    const form = formFromEvent(event)
    expect(form.start).toBe('2027-03-01T18:00')
    expect(toUpdateBody(form, event)).toEqual({})
    expect(toUpdateBody({ ...form, title: 'Rust Meetup #2', capacity: '80' }, event)).toEqual({
      title: 'Rust Meetup #2',
      capacity: 80,
    })
    expect(toUpdateBody({ ...form, timezone: 'Europe/Paris' }, event)).toEqual({
      timezone: 'Europe/Paris',
      start_time: '2027-03-01T18:00:00',
      end_time: '2027-03-01T21:00:00',
    })
  })

  it('does not take an uploaded file’s download path for a typed link', () => {
    const withFile: EventView = {
      ...event,
      attachment_url: '/events/7/attachment',
      attachment: {
        file_name: 'agenda.pdf',
        content_type: 'application/pdf',
        size: 100,
        sha256: 'a'.repeat(64),
        uploaded_at: '2026-11-01T00:00:00+05:30',
        download_url: '/events/7/attachment',
      },
    }
    const form = formFromEvent(withFile)
    expect(form.attachment_url).toBe('')
    expect(validateEventForm(form, { now, original: withFile }).attachment_url).toBeUndefined()
    expect(toUpdateBody(form, withFile)).toEqual({})
  })

  it('maps the server’s field names onto the form', () => {
    const mapped = mapServerErrors([
      { field: 'capacity', message: 'must be between 1 and 1000000' },
      { field: 'start_time', message: 'is in the past' },
      { field: 'tags[3]', message: 'too long' },
      { field: 'coordinates.coordinates[1]', message: 'out of range' },
    ])
    expect(mapped.fields).toEqual({ capacity: 'must be between 1 and 1000000', start: 'is in the past', tags: 'too long' })
    expect(mapped.other).toEqual([{ field: 'coordinates.coordinates[1]', message: 'out of range' }])
  })
})

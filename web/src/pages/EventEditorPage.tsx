import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import type { EventView } from '../api'
import { Alert } from '../components/Alert'
import { AttachmentEditor } from '../components/AttachmentEditor'
import { Field } from '../components/Field'
import { eventsApi } from '../lib/api'
import { countryOptions } from '../lib/countries'
import {
  LIMITS,
  emptyForm,
  formFromEvent,
  mapServerErrors,
  toCreateBody,
  toUpdateBody,
  validateEventForm,
  type EventForm,
  type FormErrors,
  type FormField,
} from '../lib/eventForm'
import { toProblem, type FieldProblem } from '../lib/problem'
import { allZones } from '../lib/time'

const ORDER: FormField[] = [
  'title',
  'description',
  'location',
  'country',
  'timezone',
  'start',
  'end',
  'capacity',
  'tags',
  'status',
  'attachment_url',
]

export function EventEditorPage() {
  const { id } = useParams()
  const editing = id !== undefined
  const eventId = Number(id)
  const navigate = useNavigate()
  const [original, setOriginal] = useState<EventView | null>(null)
  const [form, setForm] = useState<EventForm>(() => emptyForm())
  const [errors, setErrors] = useState<FormErrors>({})
  const [other, setOther] = useState<FieldProblem[]>([])
  const [failure, setFailure] = useState<string | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const countries = useMemo(() => countryOptions(), [])
  const zones = useMemo(() => allZones(), [])

  useEffect(() => {
    if (!editing) return
    let cancelled = false
    eventsApi
      .getEvent({ id: eventId })
      .then(({ data }) => {
        if (cancelled) return
        setOriginal(data)
        setForm(formFromEvent(data))
      })
      .catch((e) => !cancelled && setLoadError(toProblem(e).message))
    return () => {
      cancelled = true
    }
  }, [editing, eventId])

  function set(field: FormField, value: string) {
    setForm((f) => ({ ...f, [field]: value }))
    setErrors((e) => ({ ...e, [field]: undefined }))
  }

  function focusFirst(found: FormErrors) {
    const first = ORDER.find((f) => found[f])
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus()
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    setFailure(null)
    setOther([])
    const found = validateEventForm(form, { now: new Date(), original: original ?? undefined })
    setErrors(found)
    if (Object.keys(found).length > 0) {
      focusFirst(found)
      return
    }
    setBusy(true)
    try {
      if (editing && original) {
        const body = toUpdateBody(form, original)
        if (Object.keys(body).length > 0) {
          await eventsApi.patchEvent({ id: original.id, EventUpdate: body })
        }
        navigate('/organizer', { state: { flash: `“${form.title.trim()}” was saved.` } })
      } else {
        const { data } = await eventsApi.createEvent({ EventCreate: toCreateBody(form) })
        navigate('/organizer', { state: { flash: `“${data.title}” is published.` } })
      }
    } catch (err) {
      const problem = toProblem(err)
      const mapped = mapServerErrors(problem.fields)
      setErrors(mapped.fields)
      setOther(mapped.other)
      setFailure(problem.message)
      setBusy(false)
      focusFirst(mapped.fields)
    }
  }

  if (editing && loadError) {
    return (
      <div className="page narrow">
        <Alert kind="error" title="The event could not be loaded">
          {loadError}
        </Alert>
        <Link to="/organizer">Back to your events</Link>
      </div>
    )
  }
  if (editing && !original) return <p className="page muted">Loading…</p>

  const title = editing ? `Edit “${original?.title}”` : 'New event'
  return (
    <div className="page narrow">
      <p className="breadcrumbs">
        <Link to="/organizer">← Your events</Link>
      </p>
      <h1>{title}</h1>
      {failure ? (
        <Alert kind="error" title={editing ? 'The event was not saved' : 'The event was not created'}>
          <p>{failure}</p>
          {other.length > 0 ? (
            <ul>
              {other.map((o) => (
                <li key={o.field}>
                  {o.field}: {o.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      <form ref={formRef} className="card event-form" onSubmit={submit} noValidate aria-label={title}>
        <Field label="Title" error={errors.title} required>
          <input
            name="title"
            type="text"
            value={form.title}
            maxLength={LIMITS.title + 20}
            onChange={(e) => set('title', e.target.value)}
          />
        </Field>
        <Field label="Description" error={errors.description} hint="Optional, up to 5,000 characters.">
          <textarea
            name="description"
            rows={4}
            value={form.description}
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
        <div className="form-row">
          <Field label="Location" error={errors.location} hint="Venue or city." required>
            <input name="location" type="text" value={form.location} onChange={(e) => set('location', e.target.value)} />
          </Field>
          <Field label="Country" error={errors.country} required>
            <select name="country" value={form.country} onChange={(e) => set('country', e.target.value)}>
              <option value="">Choose a country</option>
              {countries.map(([code, name]) => (
                <option key={code} value={code}>
                  {name} ({code})
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="Time zone" error={errors.timezone} hint="Start and end are local times in this zone." required>
          <select name="timezone" value={form.timezone} onChange={(e) => set('timezone', e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-row">
          <Field label="Starts" error={errors.start} required>
            <input name="start" type="datetime-local" value={form.start} onChange={(e) => set('start', e.target.value)} />
          </Field>
          <Field label="Ends" error={errors.end} hint={original ? undefined : 'Optional: without it, the event runs to the end of its day.'}>
            <input name="end" type="datetime-local" value={form.end} onChange={(e) => set('end', e.target.value)} />
          </Field>
        </div>
        <div className="form-row">
          <Field
            label="Capacity"
            error={errors.capacity}
            hint={original ? `${original.seats_booked} seats booked so far.` : '1 to 1,000,000 seats; leave blank for unlimited seats.'}
          >
            <input
              name="capacity"
              type="number"
              inputMode="numeric"
              min={Math.max(1, original?.seats_booked ?? 1)}
              max={LIMITS.capacityMax}
              step={1}
              value={form.capacity}
              onChange={(e) => set('capacity', e.target.value)}
            />
          </Field>
          {editing ? (
            <Field label="Status" error={errors.status}>
              <select name="status" value={form.status} onChange={(e) => set('status', e.target.value)}>
                <option value="scheduled">Scheduled</option>
                <option value="canceled">Cancelled</option>
                <option value="completed">Completed</option>
              </select>
            </Field>
          ) : null}
        </div>
        <Field label="Tags" error={errors.tags} hint="Comma-separated, up to 20 (e.g. rust, meetup).">
          <input name="tags" type="text" value={form.tags} onChange={(e) => set('tags', e.target.value)} />
        </Field>
        <Field label="Link" error={errors.attachment_url} hint="Optional: an http:// or https:// page with details.">
          <input
            name="attachment_url"
            type="url"
            inputMode="url"
            value={form.attachment_url}
            onChange={(e) => set('attachment_url', e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Publish event'}
          </button>
          <Link className="button button-ghost" to="/organizer">
            Cancel
          </Link>
        </div>
      </form>
      {editing && original ? (
        <AttachmentEditor
          eventId={original.id}
          attachment={original.attachment}
          onChange={(attachment) => setOriginal({ ...original, attachment })}
        />
      ) : (
        <p className="muted">You can attach a file (PDF, image or text) once the event is published.</p>
      )}
    </div>
  )
}

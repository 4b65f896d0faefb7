import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { WebhookCreated, WebhookDeliveryView, WebhookView } from '../api'
import { Alert } from '../components/Alert'
import { Field } from '../components/Field'
import { webhooksApi } from '../lib/api'
import { toProblem, type ApiProblem } from '../lib/problem'

/** The kinds of domain event an endpoint may ask for (none ticked: every kind). */
export const EVENT_TYPES = [
  'booking.created',
  'booking.cancelled',
  'booking.promoted',
  'seats.held',
  'seats.released',
  'event.created',
  'event.updated',
  'event.deleted',
] as const

type Load = { kind: 'loading' } | { kind: 'ok'; items: WebhookView[] } | { kind: 'error'; problem: ApiProblem }

/** The signed-in organizer's webhook endpoints: add, remove, and each one's delivery log. */
export function WebhooksPage() {
  const [load, setLoad] = useState<Load>({ kind: 'loading' })
  const [created, setCreated] = useState<WebhookCreated | null>(null)
  const [open, setOpen] = useState<number | null>(null)
  const [failure, setFailure] = useState<ApiProblem | null>(null)

  const refresh = useCallback(() => {
    webhooksApi
      .listWebhooks({ page_size: 100 })
      .then(({ data }) => setLoad({ kind: 'ok', items: data.items }))
      .catch((e) => setLoad({ kind: 'error', problem: toProblem(e) }))
  }, [])
  useEffect(refresh, [refresh])

  async function remove(webhook: WebhookView) {
    if (!window.confirm(`Remove the webhook to ${webhook.url}? Its pending deliveries are not sent.`)) return
    try {
      await webhooksApi.deleteWebhook({ id: webhook.id })
      setFailure(null)
      if (open === webhook.id) setOpen(null)
      refresh()
    } catch (e) {
      setFailure(toProblem(e))
    }
  }

  return (
    <div className="page">
      <h1>Webhooks</h1>
      <p className="lead">
        Boxoffice POSTs each booking and event change, signed (Standard Webhooks), to your endpoints.
      </p>
      {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : null}
      {failure ? <Alert kind="error" title="Could not remove the webhook">{failure.message}</Alert> : null}
      {load.kind === 'loading' ? <p className="muted">Loading your webhooks…</p> : null}
      {load.kind === 'error' ? <Alert kind="error" title="Could not load your webhooks">{load.problem.message}</Alert> : null}
      {load.kind === 'ok' && load.items.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      {load.kind === 'ok' && load.items.length > 0 ? (
        <ul className="webhook-list">
          {load.items.map((webhook) => (
            <li key={webhook.id} className="card">
              <p>
                <strong>{webhook.url}</strong>
                {webhook.description ? <span className="muted"> — {webhook.description}</span> : null}
              </p>
              <p className="muted">
                {webhook.event_id ? `Event ${webhook.event_id}` : 'All your events'} ·{' '}
                {webhook.event_types.length ? webhook.event_types.join(', ') : 'every event type'}
              </p>
              <button
                type="button"
                className="button button-secondary"
                aria-expanded={open === webhook.id}
                onClick={() => setOpen(open === webhook.id ? null : webhook.id)}
              >
                {open === webhook.id ? 'Hide deliveries' : 'Deliveries'}
              </button>{' '}
              <button type="button" className="button button-danger" onClick={() => remove(webhook)}>
                Delete
              </button>
              {open === webhook.id ? <DeliveryLog webhook={webhook} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <AddWebhook
        onCreated={(webhook) => {
          setCreated(webhook)
          refresh()
        }}
      />
    </div>
  )
}

/** The signing secret of a new endpoint: shown this once, with a copy button. */
function SecretOnce({ created, onDone }: { created: WebhookCreated; onDone: () => void }) {
  const [copied, setCopied] = useState(false)
  async function copy() {
    await navigator.clipboard.writeText(created.secret)
    setCopied(true)
  }
  return (
    <Alert kind="success" title="Webhook added: copy its signing secret now">
      <p>It is shown only this once. Your receiver verifies each delivery's signature with it.</p>
      <p>
        <code className="secret">{created.secret}</code>
      </p>
      <button type="button" className="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy secret'}
      </button>{' '}
      <button type="button" className="button button-secondary" onClick={onDone}>
        I have saved it
      </button>
    </Alert>
  )
}

function AddWebhook({ onCreated }: { onCreated: (created: WebhookCreated) => void }) {
  const [url, setUrl] = useState('')
  const [eventId, setEventId] = useState('')
  const [description, setDescription] = useState('')
  const [types, setTypes] = useState<string[]>([])
  const [problem, setProblem] = useState<ApiProblem | null>(null)
  const [busy, setBusy] = useState(false)
  const fieldError = (field: string) => problem?.fields.find((f) => f.field === field)?.message

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    try {
      const { data } = await webhooksApi.createWebhook({
        WebhookCreate: {
          url,
          event_id: eventId ? Number(eventId) : undefined,
          event_types: types,
          description: description || undefined,
        },
      })
      setProblem(null)
      setUrl('')
      setEventId('')
      setDescription('')
      setTypes([])
      onCreated(data)
    } catch (e) {
      setProblem(toProblem(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>Add a webhook</h2>
      {problem && problem.fields.length === 0 ? <Alert kind="error">{problem.message}</Alert> : null}
      <Field label="Endpoint URL" required error={fieldError('url')} hint="https://… where your receiver listens">
        <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
      </Field>
      <Field label="Event id" error={fieldError('event_id')} hint="Empty: every event you own.">
        <input type="number" min={1} value={eventId} onChange={(e) => setEventId(e.target.value)} />
      </Field>
      <fieldset>
        <legend>Event types (none ticked: all)</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} className="checkbox">
            <input
              type="checkbox"
              checked={types.includes(type)}
              onChange={(e) => setTypes(e.target.checked ? [...types, type] : types.filter((t) => t !== type))}
            />{' '}
            {type}
          </label>
        ))}
        {fieldError('event_types') ? <p className="error-text">{fieldError('event_types')}</p> : null}
      </fieldset>
      <Field label="Description" error={fieldError('description')}>
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </Field>
      <button type="submit" className="button" disabled={busy}>
        Add webhook
      </button>
    </form>
  )
}

/** An endpoint's deliveries, newest first, each with a Replay button. */
function DeliveryLog({ webhook }: { webhook: WebhookView }) {
  const [deliveries, setDeliveries] = useState<WebhookDeliveryView[] | null>(null)
  const [problem, setProblem] = useState<ApiProblem | null>(null)

  useEffect(() => {
    webhooksApi
      .listWebhookDeliveries({ id: webhook.id, page_size: 50 })
      .then(({ data }) => setDeliveries(data.items))
      .catch((e) => setProblem(toProblem(e)))
  }, [webhook.id])

  async function replay(delivery: WebhookDeliveryView) {
    try {
      const { data } = await webhooksApi.replayWebhookDelivery({ id: webhook.id, delivery_id: delivery.id })
      setDeliveries((all) => all?.map((d) => (d.id === data.id ? data : d)) ?? null)
      setProblem(null)
    } catch (e) {
      setProblem(toProblem(e))
    }
  }

  if (problem) return <Alert kind="error" title="Could not load or replay deliveries">{problem.message}</Alert>
  if (!deliveries) return <p className="muted">Loading deliveries…</p>
  if (deliveries.length === 0) return <p className="muted">Nothing delivered yet.</p>
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Deliveries to {webhook.url}</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
            <th scope="col">Next attempt</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td>{delivery.created_at}</td>
              <td>{delivery.event_type}</td>
              <td>{delivery.status}</td>
              <td>{delivery.attempts}</td>
              <td>{delivery.last_response_code ?? delivery.last_error ?? '—'}</td>
              <td>{delivery.next_attempt_at ?? '—'}</td>
              <td>
                <button
                  type="button"
                  className="button button-secondary"
                  aria-label={`Replay delivery ${delivery.id}`}
                  onClick={() => replay(delivery)}
                >
                  Replay
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

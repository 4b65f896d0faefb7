import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import type { PreferenceHolder } from '../api'
import { Alert } from '../components/Alert'
import { Field } from '../components/Field'
import { notificationsApi } from '../lib/api'
import { forgetAttendee, loadAttendee } from '../lib/attendee'
import { useAuth } from '../lib/auth'
import {
  channelsOf,
  formOf,
  languageOptions,
  updateOf,
  type Channel,
  type PreferencesForm,
} from '../lib/preferences'
import { toProblem, type ApiProblem } from '../lib/problem'

const CHANNELS: Record<Channel, { label: string; hint: string }> = {
  email: { label: 'E-mail', hint: 'Confirmations, changes to your events, cancellations.' },
  push: { label: 'Push to my phone', hint: 'On the devices registered with the Boxoffice app.' },
  websocket: { label: 'Live in this app', hint: 'Notifications on the organizer dashboard as they happen.' },
}

type Load =
  | { kind: 'loading' }
  | { kind: 'ok'; holder: PreferenceHolder; form: PreferencesForm }
  | { kind: 'expired' }
  | { kind: 'error'; problem: ApiProblem }

/** The channels and language of the signed-in user or, signed out, of the attendee signed in by link. */
export function PreferencesPage() {
  const { session } = useAuth()
  // Signed in, the bearer token speaks for the account (the server prefers it); otherwise
  // the attendee token of this browser, if any.
  const [attendee] = useState(() => loadAttendee())
  const attendeeToken = session ? undefined : attendee?.token
  const who = session ? 'user' : attendeeToken ? 'attendee' : null
  const [load, setLoad] = useState<Load>({ kind: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!who) return
    let cancelled = false
    setLoad({ kind: 'loading' })
    notificationsApi
      .getPreferences({ X_Attendee_Token: attendeeToken })
      .then(({ data }) => !cancelled && setLoad({ kind: 'ok', holder: data.holder, form: formOf(data) }))
      .catch((e) => {
        if (cancelled) return
        const problem = toProblem(e)
        if (who === 'attendee' && problem.status === 401) {
          forgetAttendee()
          setLoad({ kind: 'expired' })
        } else {
          setLoad({ kind: 'error', problem })
        }
      })
    return () => {
      cancelled = true
    }
  }, [who, attendeeToken, attempt])

  return (
    <div className="page narrow">
      <h1>Notification preferences</h1>
      {who === null ? (
        <div className="card">
          <p>Choose how Boxoffice writes to you once it knows who you are:</p>
          <ul>
            <li>
              organizers: <Link to="/signin">sign in</Link>;
            </li>
            <li>
              attendees: <Link to="/magic">get a sign-in link by e-mail</Link> (the address you booked with).
            </li>
          </ul>
        </div>
      ) : null}
      {who ? (
        <p className="lead">
          {who === 'user'
            ? `For your account ${session?.user.username}.`
            : 'For the e-mail address you signed in with by link.'}
        </p>
      ) : null}
      {who && load.kind === 'loading' ? <p className="muted">Loading your preferences…</p> : null}
      {load.kind === 'expired' ? (
        <Alert kind="warning" title="Your sign-in link no longer works here">
          <p>
            A newer link replaced it. <Link to="/magic">Get a new sign-in link</Link>.
          </p>
        </Alert>
      ) : null}
      {load.kind === 'error' ? (
        <Alert kind="error" title="Could not load your preferences">
          <p>{load.problem.message}</p>
          <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </Alert>
      ) : null}
      {who && load.kind === 'ok' ? (
        <PreferencesEditor
          key={`${who}-${attempt}`}
          holder={load.holder}
          initial={load.form}
          attendeeToken={attendeeToken}
        />
      ) : null}
    </div>
  )
}

interface EditorProps {
  holder: PreferenceHolder
  initial: PreferencesForm
  attendeeToken?: string
}

function PreferencesEditor({ holder, initial, attendeeToken }: EditorProps) {
  const [form, setForm] = useState(initial)
  const [saved, setSaved] = useState(initial)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<{ kind: 'success' | 'error'; text: string } | null>(null)
  const [localeError, setLocaleError] = useState<string | undefined>()
  const message = useRef<HTMLDivElement>(null)

  // The outcome is announced, and the focus goes to it so keyboard users hear it first.
  useEffect(() => {
    if (result) message.current?.focus()
  }, [result])

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setResult(null)
    setLocaleError(undefined)
    try {
      const { data } = await notificationsApi.putPreferences({
        NotificationPreferencesUpdate: updateOf(form),
        X_Attendee_Token: attendeeToken,
      })
      const stored = formOf(data)
      setForm(stored)
      setSaved(stored)
      setResult({ kind: 'success', text: 'Your preferences are saved.' })
    } catch (err) {
      const problem = toProblem(err)
      setLocaleError(problem.fields.find((f) => f.field === 'locale')?.message)
      setResult({ kind: 'error', text: problem.message })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card preferences" onSubmit={submit} noValidate>
      <fieldset className="choices">
        <legend>Notify me by</legend>
        {channelsOf(holder).map((channel) => (
          <div className="choice" key={channel}>
            <input
              type="checkbox"
              id={`channel-${channel}`}
              name={channel}
              checked={form[channel]}
              aria-describedby={`channel-${channel}-hint`}
              onChange={(e) => setForm({ ...form, [channel]: e.target.checked })}
            />
            <label htmlFor={`channel-${channel}`}>{CHANNELS[channel].label}</label>
            <p className="hint" id={`channel-${channel}-hint`}>
              {CHANNELS[channel].hint}
            </p>
          </div>
        ))}
      </fieldset>
      <Field
        label="Language of e-mails and push notifications"
        error={localeError}
        hint="Regional variants such as fr-CA are written in their language."
      >
        <select name="locale" value={form.locale} onChange={(e) => setForm({ ...form, locale: e.target.value })}>
          {languageOptions(saved.locale).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
      {!form.email && holder === 'attendee' ? (
        <Alert kind="info">Without e-mail you will not hear about changes to the events you booked.</Alert>
      ) : null}
      <div ref={message} tabIndex={-1} className="preferences-result">
        {result ? <Alert kind={result.kind}>{result.text}</Alert> : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save preferences'}
        </button>
      </div>
    </form>
  )
}

import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import { Alert } from '../components/Alert'
import { Field } from '../components/Field'
import { attendeesApi } from '../lib/api'
import { emailProblem } from '../lib/email'
import { toProblem } from '../lib/problem'

/**
 * An attendee who lost their bookings (another device, a cleared browser) asks for a sign-in
 * link by e-mail. The server answers the same whether or not it knows the address, and so
 * does this page.
 */
export function MagicLinkPage() {
  const [email, setEmail] = useState('')
  const [invalid, setInvalid] = useState<string | undefined>()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [sent, setSent] = useState<{ to: string; detail: string } | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const done = useRef<HTMLHeadingElement>(null)

  // The answer replaces the form: the focus follows it rather than falling to the page.
  useEffect(() => {
    if (sent) done.current?.focus()
  }, [sent])

  async function submit(e: FormEvent) {
    e.preventDefault()
    const address = email.trim()
    const problem = emailProblem(address)
    setInvalid(problem)
    if (problem) return input.current?.focus()
    setBusy(true)
    setError(null)
    try {
      const { data } = await attendeesApi.requestMagicLink({ MagicLinkRequest: { email: address } })
      setSent({ to: address, detail: data.detail })
    } catch (err) {
      const found = toProblem(err)
      const field = found.fields.find((f) => f.field === 'email')
      if (field) {
        setInvalid(field.message)
        input.current?.focus()
      } else {
        setError(found.message)
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="page auth-page">
      <div className="card auth-card">
        {sent ? (
          <>
            <h1 ref={done} tabIndex={-1}>
              Check your mail
            </h1>
            <Alert kind="success">
              <p>{sent.detail}</p>
              <p className="small">
                The address you entered: <strong>{sent.to}</strong>
              </p>
            </Alert>
            <p className="muted small">
              Nothing after a few minutes? Check the spam folder, or{' '}
              <button type="button" className="link-button" onClick={() => setSent(null)}>
                try another address
              </button>
              .
            </p>
          </>
        ) : (
          <>
            <h1>Find my bookings</h1>
            <p className="muted">
              Enter the e-mail address you booked with. We send a link that signs you in on this browser once, for a
              few minutes, so you can see and cancel your bookings.
            </p>
            {error ? (
              <Alert kind="error" title="Could not send a link">
                {error}
              </Alert>
            ) : null}
            <form onSubmit={submit} noValidate>
              <Field label="E-mail" error={invalid} required>
                <input
                  ref={input}
                  type="email"
                  name="email"
                  autoComplete="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              </Field>
              <button type="submit" className="button button-wide" disabled={busy}>
                {busy ? 'Sending…' : 'E-mail me a sign-in link'}
              </button>
            </form>
          </>
        )}
        <p className="muted small">
          <Link to="/bookings">Back to my bookings</Link>
        </p>
      </div>
    </div>
  )
}

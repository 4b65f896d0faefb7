import { useState, type FormEvent } from 'react'
import { Link, Navigate, useLocation, useNavigate } from 'react-router'
import { Alert } from '../components/Alert'
import { Field } from '../components/Field'
import { useAuth } from '../lib/auth'
import { toProblem } from '../lib/problem'

export function SignInPage() {
  const { session, notice, signIn } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const from = (location.state as { from?: string } | null)?.from ?? '/organizer'
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [missing, setMissing] = useState<{ username?: string; password?: string }>({})
  const [busy, setBusy] = useState(false)

  if (session && !busy) return <Navigate to={from} replace />

  async function submit(e: FormEvent) {
    e.preventDefault()
    const found = {
      username: username.trim() ? undefined : 'Enter your username or e-mail.',
      password: password ? undefined : 'Enter your password.',
    }
    setMissing(found)
    if (found.username || found.password) return
    setBusy(true)
    setError(null)
    try {
      await signIn(username.trim(), password)
      navigate(from, { replace: true })
    } catch (err) {
      setError(toProblem(err).message)
      setBusy(false)
    }
  }

  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Organizer sign in</h1>
        <p className="muted">Publish and manage your events. Attendees book without an account.</p>
        {notice ? <Alert kind="info">{notice}</Alert> : null}
        {error ? <Alert kind="error" title="Could not sign in">{error}</Alert> : null}
        <form onSubmit={submit} noValidate>
          <Field label="Username or e-mail" error={missing.username} required>
            <input
              type="text"
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </Field>
          <Field label="Password" error={missing.password} required>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <button type="submit" className="button button-wide" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="muted small">
          New here? <Link to="/signup">Create an organizer account</Link>
        </p>
      </div>
    </div>
  )
}

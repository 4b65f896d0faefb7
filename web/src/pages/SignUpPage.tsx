import { useState, type FormEvent } from 'react'
import { Link, Navigate, useNavigate } from 'react-router'
import { Alert } from '../components/Alert'
import { Field } from '../components/Field'
import { validateSignUp, type SignUpErrors, type SignUpForm } from '../lib/account'
import { useAuth } from '../lib/auth'
import { toProblem } from '../lib/problem'

export function SignUpPage() {
  const { session, signUp } = useAuth()
  const navigate = useNavigate()
  const [form, setForm] = useState<SignUpForm>({ email: '', username: '', password: '', full_name: '' })
  const [errors, setErrors] = useState<SignUpErrors>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  if (session && !busy) return <Navigate to="/organizer" replace />

  function set(field: keyof SignUpForm, value: string) {
    setForm((f) => ({ ...f, [field]: value }))
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    const found = validateSignUp(form)
    setErrors(found)
    setError(null)
    const first = Object.keys(found)[0]
    if (first) {
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus()
      return
    }
    setBusy(true)
    try {
      await signUp({
        email: form.email.trim(),
        username: form.username,
        password: form.password,
        full_name: form.full_name.trim() || undefined,
      })
      navigate('/organizer', { replace: true })
    } catch (err) {
      const problem = toProblem(err)
      const fields: SignUpErrors = {}
      if (problem.code === 'email_taken') fields.email = problem.message
      if (problem.code === 'username_taken') fields.username = problem.message
      for (const f of problem.fields) {
        if (f.field in form) fields[f.field as keyof SignUpForm] = f.message
      }
      setErrors(fields)
      setError(problem.message)
      setBusy(false)
    }
  }

  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Create an organizer account</h1>
        <p className="muted">Organizers publish events and see who is coming.</p>
        {error ? <Alert kind="error" title="Could not create the account">{error}</Alert> : null}
        <form onSubmit={submit} noValidate>
          <Field label="E-mail" error={errors.email} required>
            <input
              type="email"
              name="email"
              autoComplete="email"
              value={form.email}
              onChange={(e) => set('email', e.target.value)}
            />
          </Field>
          <Field label="Username" error={errors.username} hint="3 to 50 letters, digits or underscores." required>
            <input
              type="text"
              name="username"
              autoComplete="username"
              value={form.username}
              maxLength={50}
              onChange={(e) => set('username', e.target.value)}
            />
          </Field>
          <Field label="Full name" error={errors.full_name}>
            <input
              type="text"
              name="full_name"
              autoComplete="name"
              value={form.full_name}
              onChange={(e) => set('full_name', e.target.value)}
            />
          </Field>
          <Field
            label="Password"
            error={errors.password}
            hint="At least 8 characters with an upper-case letter, a digit and a special character."
            required
          >
            <input
              type="password"
              name="password"
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => set('password', e.target.value)}
            />
          </Field>
          <button type="submit" className="button button-wide" disabled={busy}>
            {busy ? 'Creating…' : 'Create account'}
          </button>
        </form>
        <p className="muted small">
          Already have an account? <Link to="/signin">Sign in</Link>
        </p>
      </div>
    </div>
  )
}

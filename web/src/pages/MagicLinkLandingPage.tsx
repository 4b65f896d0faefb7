import { useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { Alert } from '../components/Alert'
import { redeemSignInLink } from '../lib/attendee'
import { toProblem, type ApiProblem } from '../lib/problem'

type State = { kind: 'redeeming' } | { kind: 'invalid' } | { kind: 'error'; problem: ApiProblem }

/**
 * Where an e-mailed sign-in link lands: the link's token is traded for an attendee token,
 * kept in this browser, and the attendee sees their bookings. The address bar then shows
 * My bookings, not the used link.
 */
export function MagicLinkLandingPage() {
  const { token = '' } = useParams()
  const navigate = useNavigate()
  const [state, setState] = useState<State>({ kind: 'redeeming' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    setState({ kind: 'redeeming' })
    redeemSignInLink(token)
      .then(() => !cancelled && navigate('/bookings', { replace: true, state: { signedIn: true } }))
      .catch((e) => {
        if (cancelled) return
        const problem = toProblem(e)
        setState(problem.code === 'magic_link_invalid' ? { kind: 'invalid' } : { kind: 'error', problem })
      })
    return () => {
      cancelled = true
    }
  }, [token, attempt, navigate])

  return (
    <div className="page auth-page">
      <div className="card auth-card">
        <h1>Signing in with your link</h1>
        {state.kind === 'redeeming' ? <p className="muted" role="status">Checking your link…</p> : null}
        {state.kind === 'invalid' ? (
          <Alert kind="warning" title="This link has expired or was already used">
            <p>A sign-in link works once, for a few minutes. Ask for a new one and use the newest e-mail.</p>
          </Alert>
        ) : null}
        {state.kind === 'error' ? (
          <Alert kind="error" title="Could not sign you in">
            <p>{state.problem.message}</p>
            <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </Alert>
        ) : null}
        {state.kind !== 'redeeming' ? (
          <p>
            <Link className="button" to="/magic">
              Get a new sign-in link
            </Link>
          </p>
        ) : null}
      </div>
    </div>
  )
}

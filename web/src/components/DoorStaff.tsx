import { useEffect, useState, type FormEvent } from 'react'
import type { StaffMemberView } from '../api'
import { doorApi } from '../lib/api'
import { toProblem } from '../lib/problem'
import { Alert } from './Alert'

/** The organizer's list of door staff: registered users, added and removed by username. */
export function DoorStaff({ eventId }: { eventId: number }) {
  const [staff, setStaff] = useState<StaffMemberView[]>([])
  const [username, setUsername] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let cancelled = false
    doorApi
      .getEventStaff({ id: eventId })
      .then(({ data }) => !cancelled && setStaff(data.items))
      .catch((e) => !cancelled && setError(toProblem(e).message))
    return () => {
      cancelled = true
    }
  }, [eventId])

  async function add(e: FormEvent) {
    e.preventDefault()
    const name = username.trim()
    if (!name) return
    setBusy(true)
    setError(null)
    try {
      const { data } = await doorApi.putEventStaff({ id: eventId, username: name })
      setStaff((list) => [...list.filter((s) => s.user_id !== data.user_id), data])
      setUsername('')
    } catch (e) {
      const problem = toProblem(e)
      setError(problem.code === 'user_not_found' ? `No account is named “${name}”.` : problem.message)
    } finally {
      setBusy(false)
    }
  }

  async function remove(member: StaffMemberView) {
    setError(null)
    try {
      await doorApi.deleteEventStaff({ id: eventId, username: member.username })
      setStaff((list) => list.filter((s) => s.user_id !== member.user_id))
    } catch (e) {
      setError(toProblem(e).message)
    }
  }

  return (
    <section className="card" aria-labelledby="staff-heading">
      <h2 id="staff-heading">Door staff</h2>
      <p className="muted small">People with an account who may check tickets in at this event’s door.</p>
      {staff.length > 0 ? (
        <ul className="staff-list">
          {staff.map((member) => (
            <li key={member.user_id}>
              <span>{member.username}</span>
              <button type="button" className="button button-ghost" onClick={() => remove(member)}>
                Remove {member.username}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nobody yet: only you can check tickets in.</p>
      )}
      <form className="door-form" onSubmit={add}>
        <label className="visually-hidden" htmlFor="staff-username">
          Username
        </label>
        <input
          id="staff-username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          placeholder="Username"
          autoComplete="off"
        />
        <button type="submit" className="button button-secondary" disabled={busy || !username.trim()}>
          Add to door staff
        </button>
      </form>
      {error ? <Alert kind="error">{error}</Alert> : null}
    </section>
  )
}

import { Navigate, Outlet, useLocation } from 'react-router'
import { useAuth } from '../lib/auth'

/** Organizer pages: signed-out visitors are sent to sign in, then back. */
export function RequireSignIn() {
  const { session } = useAuth()
  const location = useLocation()
  if (!session) {
    return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />
  }
  return <Outlet />
}

// The signed-in organizer: the access token lives in memory and sessionStorage (it is
// gone when the tab closes) and is dropped when it expires.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { UserView } from '../api'
import { authApi, http, setAccessToken } from './api'

const KEY = 'boxoffice.session'

interface Session {
  token: string
  expiresAt: number
  user: UserView
}

interface AuthState {
  session: Session | null
  /** Why the last session ended, when it was not the user's choice. */
  notice: string | null
  signIn: (username: string, password: string) => Promise<void>
  signUp: (details: { email: string; username: string; password: string; full_name?: string }) => Promise<void>
  signOut: (notice?: string) => void
}

const AuthContext = createContext<AuthState | null>(null)

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (!raw) return null
    const session = JSON.parse(raw) as Session
    if (typeof session.token !== 'string' || session.expiresAt <= Date.now()) return null
    return session
  } catch {
    return null
  }
}

function storeSession(session: Session | null) {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session))
    else sessionStorage.removeItem(KEY)
  } catch {
    // storage unavailable: the session lives in memory only
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => {
    const session = loadSession()
    setAccessToken(session?.token ?? null)
    return session
  })
  const [notice, setNotice] = useState<string | null>(null)

  const apply = useCallback((next: Session | null, why: string | null = null) => {
    setAccessToken(next?.token ?? null)
    storeSession(next)
    setSession(next)
    setNotice(why)
  }, [])

  const signIn = useCallback(
    async (username: string, password: string) => {
      const { data: token } = await authApi.login({ UserLogin: { username, password } })
      const expiresAt = Date.now() + token.expires_in * 1000
      const { data: user } = await authApi.getMe({
        headers: { Authorization: `Bearer ${token.access_token}` },
      })
      apply({ token: token.access_token, expiresAt, user })
    },
    [apply],
  )

  const signUp = useCallback(
    async (details: { email: string; username: string; password: string; full_name?: string }) => {
      await authApi.registerUser({ UserRegister: details })
      await signIn(details.username, details.password)
    },
    [signIn],
  )

  const signOut = useCallback((why?: string) => apply(null, why ?? null), [apply])

  // Expiry: sign out when the token runs out.
  useEffect(() => {
    if (!session) return
    const timer = window.setTimeout(
      () => signOut('Your session has expired. Please sign in again.'),
      Math.max(0, session.expiresAt - Date.now()),
    )
    return () => window.clearTimeout(timer)
  }, [session, signOut])

  // A token the server no longer accepts (expired, or signed with an old key) ends the session.
  useEffect(() => {
    const id = http.interceptors.response.use(undefined, (error) => {
      const code = error?.response?.data?.code
      const sentToken = String(error?.config?.headers?.Authorization ?? '').startsWith('Bearer ')
      if (sentToken && (code === 'token_expired' || code === 'invalid_token')) {
        signOut('Your session has expired. Please sign in again.')
      }
      return Promise.reject(error)
    })
    return () => http.interceptors.response.eject(id)
  }, [signOut])

  const value = useMemo(() => ({ session, notice, signIn, signUp, signOut }), [session, notice, signIn, signUp, signOut])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext)
  if (!state) throw new Error('useAuth outside AuthProvider')
  return state
}

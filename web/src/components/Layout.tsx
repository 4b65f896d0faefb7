import { useEffect, useRef } from 'react'
import { Link, NavLink, Outlet, useLocation } from 'react-router'
import { useAuth } from '../lib/auth'
import { useLiveStatus } from '../lib/live'
import { useNotifications } from '../lib/notifications'
import { TimeZoneSelect } from './TimeZoneSelect'

export function Layout() {
  const { session, signOut } = useAuth()
  const { unread } = useNotifications()
  const status = useLiveStatus()
  const location = useLocation()
  const main = useRef<HTMLElement>(null)

  // After navigating, keyboard and screen-reader users start at the new page's content.
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    main.current?.focus({ preventScroll: true })
    window.scrollTo({ top: 0 })
  }, [location.pathname])

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand" aria-label="Boxoffice, all events">
            <span className="brand-mark" aria-hidden="true">
              B
            </span>
            <span className="brand-name">Boxoffice</span>
          </Link>
          <nav className="main-nav" aria-label="Main">
            <NavLink to="/" end>
              Events
            </NavLink>
            <NavLink to="/bookings">My bookings</NavLink>
            {session ? (
              <NavLink to="/organizer" className="nav-organizer">
                Organizer
                {unread > 0 ? (
                  <span className="badge" aria-label={`${unread} new notifications`}>
                    {unread}
                  </span>
                ) : null}
              </NavLink>
            ) : (
              <NavLink to="/signin">Organizer sign in</NavLink>
            )}
          </nav>
          <div className="header-tools">
            <TimeZoneSelect />
            {session ? (
              <div className="account">
                <span className="account-name" title={session.user.email}>
                  {session.user.username}
                </span>
                <button type="button" className="button button-ghost" onClick={() => signOut()}>
                  Sign out
                </button>
              </div>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>
          Boxoffice · <span className={`conn conn-${status}`}>{status === 'open' ? 'Live updates on' : status === 'connecting' ? 'Connecting…' : 'Live updates paused, reconnecting…'}</span>
          {' · '}
          <Link to="/preferences">Notification preferences</Link>
          {' · '}
          <a href="/docs">API documentation</a>
        </p>
      </footer>
    </div>
  )
}

import { useEffect } from 'react'
import { Link } from 'react-router'
import { describeNotification, useNotifications } from '../lib/notifications'
import { browserZone, formatDateTime } from '../lib/time'
import { useTimeZone } from '../lib/timezone'
import { useLiveStatus } from '../lib/live'

const ICONS: Record<string, string> = {
  'event.created': '+',
  'event.updated': '✎',
  'event.deleted': '×',
  'booking.created': '✓',
  'booking.cancelled': '−',
}

/** Live notifications over the WebSocket on top of the history of GET /notifications. */
export function NotificationsPanel() {
  const { items, loading, error, hasMore, loadMore, markRead, reload } = useNotifications()
  const { zone } = useTimeZone()
  const status = useLiveStatus()
  const shown = zone || browserZone()
  useEffect(() => {
    markRead()
  }, [items.length, markRead])

  return (
    <section className="card notifications" aria-labelledby="notifications-heading">
      <div className="card-head">
        <h2 id="notifications-heading">Notifications</h2>
        <span className={`conn conn-${status}`}>{status === 'open' ? 'Live' : 'Reconnecting…'}</span>
      </div>
      {error ? (
        <p className="error-text">
          {error}{' '}
          <button type="button" className="link-button" onClick={reload}>
            Retry
          </button>
        </p>
      ) : null}
      {items.length === 0 && !loading ? (
        <p className="muted">Nothing yet. Bookings, cancellations and changes to your events appear here as they happen.</p>
      ) : null}
      <ol className="notification-list" aria-live="polite" data-testid="notifications">
        {items.map((item) => (
          <li key={item.key} className={`notification notification-${item.type.replace('.', '-')}`}>
            <span className="notification-icon" aria-hidden="true">
              {ICONS[item.type] ?? '•'}
            </span>
            <div>
              <p className="notification-text">
                {item.type === 'event.deleted' ? (
                  describeNotification(item)
                ) : (
                  <Link to={`/events/${item.eventId}`}>{describeNotification(item)}</Link>
                )}
                {item.live ? <span className="new-pill">new</span> : null}
              </p>
              <p className="muted small">
                <time dateTime={item.timestamp}>{formatDateTime(item.timestamp, shown)}</time>
              </p>
            </div>
          </li>
        ))}
      </ol>
      {hasMore ? (
        <button type="button" className="button button-ghost" onClick={loadMore} disabled={loading}>
          {loading ? 'Loading…' : 'Older notifications'}
        </button>
      ) : null}
    </section>
  )
}

import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { useSearchParams } from 'react-router'
import type { EventPage } from '../api'
import { Alert } from '../components/Alert'
import { EventCard } from '../components/EventCard'
import { Pagination } from '../components/Pagination'
import { eventsApi } from '../lib/api'
import { countryOptions } from '../lib/countries'
import { toProblem, type ApiProblem } from '../lib/problem'
import { useTimeZone } from '../lib/timezone'

export const EVENTS_PAGE_SIZE = 10

const SORTS: Array<[string, string]> = [
  ['start_time', 'Soonest first'],
  ['-start_time', 'Latest first'],
  ['title', 'Title A–Z'],
  ['-seats_available', 'Most seats left'],
  ['-created_at', 'Newest'],
]

export function EventsPage() {
  const [params, setParams] = useSearchParams()
  const { zone } = useTimeZone()
  const q = params.get('q') ?? ''
  const country = params.get('country') ?? ''
  const tag = params.get('tag') ?? ''
  const sort = params.get('sort') ?? 'start_time'
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1)

  const [search, setSearch] = useState(q)
  const [tagText, setTagText] = useState(tag)
  useEffect(() => setSearch(q), [q])
  useEffect(() => setTagText(tag), [tag])

  const [data, setData] = useState<EventPage | null>(null)
  const [problem, setProblem] = useState<ApiProblem | null>(null)
  const [loading, setLoading] = useState(true)
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let cancelled = false
    setLoading(true)
    eventsApi
      .getEvents({
        q: q || undefined,
        country: country || undefined,
        tag: tag || undefined,
        sort,
        page,
        page_size: EVENTS_PAGE_SIZE,
      })
      .then(({ data }) => {
        if (cancelled) return
        setData(data)
        setProblem(null)
      })
      .catch((e) => !cancelled && setProblem(toProblem(e)))
      .finally(() => !cancelled && setLoading(false))
    return () => {
      cancelled = true
    }
  }, [q, country, tag, sort, page, zone, attempt])

  const countries = useMemo(() => countryOptions(), [])

  function update(changes: Record<string, string>) {
    const next = new URLSearchParams(params)
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value)
      else next.delete(key)
    }
    if (!('page' in changes)) next.delete('page')
    setParams(next)
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    update({ q: search.trim(), tag: tagText.trim().toLowerCase() })
  }

  const filtered = q || country || tag
  return (
    <div className="page">
      <section className="hero">
        <h1>Find your next event</h1>
        <p className="lead">Book a seat in seconds: no account needed. Seat counts update live.</p>
        <form className="filters" role="search" aria-label="Search events" onSubmit={submit}>
          <div className="filter filter-q">
            <label htmlFor="filter-q">Search</label>
            <input
              id="filter-q"
              type="search"
              placeholder="Title or description"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <div className="filter">
            <label htmlFor="filter-country">Country</label>
            <select id="filter-country" value={country} onChange={(e) => update({ country: e.target.value })}>
              <option value="">Any country</option>
              {countries.map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="filter">
            <label htmlFor="filter-tag">Tag</label>
            <input
              id="filter-tag"
              type="text"
              placeholder="e.g. music"
              value={tagText}
              onChange={(e) => setTagText(e.target.value)}
              maxLength={50}
            />
          </div>
          <div className="filter">
            <label htmlFor="filter-sort">Sort</label>
            <select id="filter-sort" value={sort} onChange={(e) => update({ sort: e.target.value })}>
              {SORTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="filter filter-actions">
            <button type="submit" className="button">
              Search
            </button>
            {filtered ? (
              <button
                type="button"
                className="button button-ghost"
                onClick={() => update({ q: '', country: '', tag: '' })}
              >
                Clear
              </button>
            ) : null}
          </div>
        </form>
      </section>

      <section aria-labelledby="results-heading" aria-busy={loading}>
        <div className="results-head">
          <h2 id="results-heading">{filtered ? 'Matching events' : 'Upcoming events'}</h2>
          {data ? (
            <p className="muted" data-testid="results-count" aria-live="polite">
              {data.total === 1 ? '1 event' : `${data.total.toLocaleString()} events`}
            </p>
          ) : null}
        </div>
        {problem ? (
          <Alert kind="error" title="Events could not be loaded">
            <p>{problem.message}</p>
            <button type="button" className="button button-secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </Alert>
        ) : null}
        {data && data.items.length === 0 && !problem ? (
          <div className="empty">
            <p>No events match. Try another search or clear the filters.</p>
          </div>
        ) : null}
        {data && data.items.length > 0 ? (
          <ul className="event-list">
            {data.items.map((event) => (
              <EventCard key={event.id} event={event} />
            ))}
          </ul>
        ) : null}
        {!data && loading ? <p className="muted">Loading events…</p> : null}
        {data ? (
          <Pagination
            label="Event pages"
            page={page}
            pageSize={EVENTS_PAGE_SIZE}
            total={data.total}
            onPage={(p) => update({ page: p > 1 ? String(p) : '' })}
          />
        ) : null}
      </section>
    </div>
  )
}

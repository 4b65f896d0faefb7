// The organizer's own events. GET /events has no owner filter, so the most recently
// created events are read page by page (100 a page, at most MAX_PAGES) and kept when
// `created_by` is the organizer (admins manage every event).
import type { EventView } from '../api'
import { eventsApi } from './api'

export const MAX_PAGES = 10

export async function fetchOwnEvents(username: string, isAdmin: boolean): Promise<{ events: EventView[]; complete: boolean }> {
  const events: EventView[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await eventsApi.getEvents({ when: 'all', sort: '-created_at', page, page_size: 100 })
    for (const event of data.items) {
      if (isAdmin || event.created_by === username) events.push(event)
    }
    if (page * data.page_size >= data.total) return { events, complete: true }
  }
  return { events, complete: false }
}

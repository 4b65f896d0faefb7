// The organizer's own events: GET /events?owner=me, every status, past ones included,
// read page by page. Admins manage every event, so they read all events instead (capped
// at MAX_PAGES pages of the most recently created).
import type { EventView } from '../api'
import { eventsApi } from './api'

export const MAX_PAGES = 10
const PAGE_SIZE = 100

export async function fetchOwnEvents(isAdmin: boolean): Promise<{ events: EventView[]; complete: boolean }> {
  const events: EventView[] = []
  for (let page = 1; isAdmin ? page <= MAX_PAGES : true; page++) {
    const query = { when: 'all', sort: '-created_at', page, page_size: PAGE_SIZE }
    const { data } = await eventsApi.getEvents(isAdmin ? query : { ...query, owner: 'me' })
    events.push(...data.items)
    if (page * data.page_size >= data.total || data.items.length === 0) return { events, complete: true }
  }
  return { events, complete: false }
}

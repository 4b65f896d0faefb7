import { render, screen, within } from '@testing-library/react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { describe, expect, it, vi } from 'vitest'
import { TimeZoneProvider } from '../lib/timezone'
import { AttendeesPage } from './AttendeesPage'

const getEvent = vi.fn()
const getEventAttendees = vi.fn()
vi.mock('../lib/api', () => ({
  eventsApi: {
    getEvent: (...args: unknown[]) => getEvent(...args),
    getEventAttendees: (...args: unknown[]) => getEventAttendees(...args),
    getEventDashboard: () =>
      Promise.resolve({
        data: {
          event_id: 3,
          timezone: 'Europe/Paris',
          capacity: 10,
          seats_booked: 2,
          seats_available: 8,
          totals: { confirmed: 2, cancelled: 0, checked_in: 1 },
          granularity: 'hour',
          series: [],
        },
      }),
  },
  setRequestTimeZone: () => undefined,
}))
vi.mock('../lib/live', () => ({ useLiveSeats: () => undefined }))

function attendee(id: number, name: string, checkedInAt?: string) {
  return {
    id,
    name,
    email: `${name.toLowerCase()}@example.com`,
    phone: null,
    locale: 'en',
    created_at: '2030-12-01T10:00:00+01:00',
    updated_at: '2030-12-01T10:00:00+01:00',
    ...(checkedInAt ? { checked_in_at: checkedInAt } : {}),
  }
}

describe('AttendeesPage', () => {
  it('marks the attendees already admitted at the door', async () => {
    getEvent.mockResolvedValue({ data: { id: 3, title: 'Jazz Night', timezone: 'Europe/Paris', capacity: 10, seats_available: 8, seats_booked: 2 } })
    getEventAttendees.mockResolvedValue({
      data: { items: [attendee(1, 'Asha', '2030-12-05T19:02:00+01:00'), attendee(2, 'Bob')], total: 2, page: 1, page_size: 10 },
    })
    render(
      <TimeZoneProvider>
        <MemoryRouter initialEntries={['/organizer/events/3/attendees']}>
          <Routes>
            <Route path="organizer/events/:id/attendees" element={<AttendeesPage />} />
          </Routes>
        </MemoryRouter>
      </TimeZoneProvider>,
    )
    const asha = (await screen.findByText('Asha')).closest('tr')!
    expect(within(asha).getByText(/In since/)).toBeInTheDocument()
    const bob = screen.getByText('Bob').closest('tr')!
    expect(within(bob).getByText('Not yet')).toBeInTheDocument()
  })
})

import { render, screen } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { problem } from '../test/problems'
import { EventDashboard } from './EventDashboard'

const getEventDashboard = vi.fn()
vi.mock('../lib/api', () => ({
  eventsApi: { getEventDashboard: (...args: unknown[]) => getEventDashboard(...args) },
}))

describe('EventDashboard', () => {
  beforeEach(() => {
    getEventDashboard.mockReset()
  })

  it('shows the seats, the totals and the activity chart of the event', async () => {
    getEventDashboard.mockResolvedValue({
      data: {
        event_id: 7,
        timezone: 'Asia/Kolkata',
        capacity: 50,
        seats_booked: 12,
        seats_available: 38,
        totals: { confirmed: 12, cancelled: 3, checked_in: 5 },
        granularity: 'hour',
        series: [{ start: '2030-01-11T10:00:00+05:30', bookings: 15, cancellations: 3, check_ins: 0 }],
      },
    })
    render(<EventDashboard eventId={7} />)
    expect(await screen.findByTestId('dashboard-seats-left')).toHaveTextContent('38')
    expect(screen.getByTestId('dashboard-confirmed')).toHaveTextContent('12')
    expect(screen.getByTestId('dashboard-checked-in')).toHaveTextContent('5')
    expect(screen.getByTestId('dashboard-cancelled')).toHaveTextContent('3')
    expect(screen.getByRole('img', { name: /per hour/ })).toBeInTheDocument()
    expect(getEventDashboard).toHaveBeenCalledWith({ id: 7 })
  })

  it('says when the figures cannot be loaded', async () => {
    getEventDashboard.mockImplementation(() => Promise.reject(problem(403, 'forbidden')))
    render(<EventDashboard eventId={7} />)
    expect(await screen.findByText('The dashboard could not be loaded')).toBeInTheDocument()
  })
})

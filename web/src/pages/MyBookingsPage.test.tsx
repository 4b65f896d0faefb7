import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { loadAttendee, rememberAttendee } from '../lib/attendee'
import { rememberBooking } from '../lib/bookings'
import { TimeZoneProvider } from '../lib/timezone'
import { problem } from '../test/problems'
import { MyBookingsPage } from './MyBookingsPage'

const getBookings = vi.fn()
const getBooking = vi.fn()
const cancelBooking = vi.fn()
const getEvent = vi.fn()
const getBookingTicketSvg = vi.fn()
vi.mock('../lib/api', () => ({
  bookingsApi: {
    getBookingTicketSvg: (...args: unknown[]) => getBookingTicketSvg(...args),
    getBookings: (...args: unknown[]) => getBookings(...args),
    getBooking: (...args: unknown[]) => getBooking(...args),
    cancelBooking: (...args: unknown[]) => cancelBooking(...args),
  },
  eventsApi: { getEvent: (...args: unknown[]) => getEvent(...args) },
  setRequestTimeZone: () => undefined,
}))

function booking(id: number, eventId: number, status = 'confirmed') {
  return {
    id,
    event_id: eventId,
    attendee: { id: 5, name: 'Asha Rao', email: 'asha@example.com' },
    status,
    created_at: '2026-11-21T15:30:00+05:30',
    cancelled_at: status === 'cancelled' ? '2026-11-22T10:00:00+05:30' : null,
  }
}

function renderPage(state?: unknown) {
  render(
    <TimeZoneProvider>
      <MemoryRouter initialEntries={[{ pathname: '/bookings', state }]}>
        <MyBookingsPage />
      </MemoryRouter>
    </TimeZoneProvider>,
  )
}

describe('MyBookingsPage', () => {
  beforeEach(() => {
    for (const mock of [getBookings, getBooking, cancelBooking, getEvent, getBookingTicketSvg]) mock.mockReset()
  })

  it('lists the bookings of this browser by cancel token and offers a sign-in link', async () => {
    rememberBooking({
      id: 1,
      event_id: 3,
      event_title: 'Jazz Night',
      cancel_token: 'c1',
      name: 'Asha Rao',
      email: 'asha@example.com',
      created_at: '2026-11-21T15:30:00+05:30',
    })
    getBooking.mockResolvedValue({ data: booking(1, 3) })
    renderPage()
    expect(await screen.findByTestId('booking-status')).toHaveTextContent('Confirmed')
    expect(getBooking).toHaveBeenCalledWith({ id: 1, X_Cancel_Token: 'c1', X_Attendee_Token: undefined })
    expect(screen.getByRole('link', { name: 'Jazz Night' })).toHaveAttribute('href', '/events/3')
    expect(getBookings).not.toHaveBeenCalled()
    expect(screen.getByRole('link', { name: 'Get a sign-in link by e-mail' })).toHaveAttribute('href', '/magic')
  })

  it('shows the ticket of a confirmed booking as its QR code and its code', async () => {
    rememberBooking({
      id: 1,
      event_id: 3,
      event_title: 'Jazz Night',
      cancel_token: 'c1',
      name: 'Asha Rao',
      email: 'asha@example.com',
      created_at: '2026-11-21T15:30:00+05:30',
    })
    getBooking.mockResolvedValue({ data: { ...booking(1, 3), ticket: '1.q1N3uV0aJk7Zb9x2c4d6eA' } })
    getBookingTicketSvg.mockResolvedValue({ data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' })
    renderPage()
    const image = await screen.findByRole('img', { name: 'QR code of ticket 1.q1N3uV0aJk7Zb9x2c4d6eA' })
    expect(image.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/)
    expect(getBookingTicketSvg).toHaveBeenCalledWith(
      { id: 1, X_Cancel_Token: 'c1', X_Attendee_Token: undefined },
      { responseType: 'text' },
    )
    expect(screen.getByText('1.q1N3uV0aJk7Zb9x2c4d6eA')).toBeInTheDocument()
  })

  it('shows the signed-in attendee’s bookings, once each, and cancels with the attendee token', async () => {
    rememberAttendee({ attendeeId: 5, token: 'att' })
    rememberBooking({
      id: 2,
      event_id: 8,
      event_title: 'Rust Meetup',
      cancel_token: 'c2',
      name: 'Asha Rao',
      email: 'asha@example.com',
      created_at: '2026-11-21T15:30:00+05:30',
    })
    getBookings.mockResolvedValue({ data: { items: [booking(2, 8)], total: 1, page: 1, page_size: 100 } })
    getBooking.mockResolvedValue({ data: booking(2, 8) })
    getEvent.mockResolvedValue({ data: { id: 8, title: 'Rust Meetup' } })
    cancelBooking.mockResolvedValue({ data: booking(2, 8, 'cancelled') })
    renderPage({ signedIn: true })
    expect(screen.getByText('You are signed in with your e-mail link')).toBeInTheDocument()
    const card = await screen.findByTestId('booking-2')
    expect(await within(card).findByRole('link', { name: 'Rust Meetup' })).toBeInTheDocument()
    expect(screen.getAllByRole('listitem')).toHaveLength(1)
    expect(getBookings).toHaveBeenCalledWith({ X_Attendee_Token: 'att', page_size: 100 })
    expect(within(card).getByText(/Asha Rao · asha@example.com/)).toBeInTheDocument()

    const user = userEvent.setup()
    await user.click(within(card).getByRole('button', { name: 'Cancel booking' }))
    await user.click(within(card).getByRole('button', { name: 'Yes, cancel it' }))
    expect(await within(card).findByText(/seat is given back/)).toBeInTheDocument()
    expect(cancelBooking).toHaveBeenCalledWith({ id: 2, X_Attendee_Token: 'att' })
    expect(within(card).getByTestId('booking-status')).toHaveTextContent('Cancelled')

    await user.click(screen.getByRole('button', { name: 'Sign out of your e-mail link' }))
    expect(loadAttendee()).toBeNull()
  })

  it('forgets an attendee token that a newer link replaced', async () => {
    rememberAttendee({ attendeeId: 5, token: 'old' })
    getBookings.mockRejectedValue(problem(401, 'authentication_required'))
    renderPage()
    expect(await screen.findByText('Your sign-in link no longer works here')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Get a new sign-in link' })).toHaveAttribute('href', '/magic')
    expect(loadAttendee()).toBeNull()
    expect(screen.getByText('No bookings yet.')).toBeInTheDocument()
  })
})

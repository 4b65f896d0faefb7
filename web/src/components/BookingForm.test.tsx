import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventView } from '../api'
import { loadBookings } from '../lib/bookings'
import { networkError, problem } from '../test/problems'
import { BookingForm } from './BookingForm'

const bookEvent = vi.fn()
vi.mock('../lib/api', () => ({
  bookingsApi: { bookEvent: (...args: unknown[]) => bookEvent(...args) },
  newIdempotencyKey: () => `key-${Math.random()}`,
}))

const event = {
  id: 3,
  title: 'Event A',
  capacity: 5,
  seats_available: 1,
  timezone: 'Asia/Kolkata',
} as EventView

function renderForm(onBooked = vi.fn()) {
  render(
    <MemoryRouter>
      <BookingForm event={event} onBooked={onBooked} />
    </MemoryRouter>,
  )
  return onBooked
}

async function fillAndSubmit(name = 'Asha Rao', email = 'asha@example.com') {
  const user = userEvent.setup()
  await user.type(screen.getByLabelText(/Your name/), name)
  await user.type(screen.getByLabelText(/E-mail/), email)
  await user.click(screen.getByRole('button', { name: 'Book a seat' }))
}

describe('BookingForm', () => {
  beforeEach(() => {
    bookEvent.mockReset()
  })

  it('labels its fields and checks them before sending', async () => {
    renderForm()
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Book a seat' }))
    expect(screen.getByText('Enter your name.')).toBeInTheDocument()
    expect(screen.getByLabelText(/Your name/)).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByLabelText(/Your name/)).toHaveFocus()
    await user.type(screen.getByLabelText(/Your name/), 'Asha')
    await user.type(screen.getByLabelText(/E-mail/), 'asha@')
    await user.click(screen.getByRole('button', { name: 'Book a seat' }))
    expect(screen.getByText(/valid e-mail address/)).toBeInTheDocument()
    expect(bookEvent).not.toHaveBeenCalled()
  })

  it('books, keeps the cancel token in the browser and confirms', async () => {
    bookEvent.mockResolvedValue({
      data: {
        id: 41,
        event_id: 3,
        attendee: { id: 9, name: 'Asha Rao', email: 'asha@example.com' },
        status: 'confirmed',
        created_at: '2026-11-21T15:30:00+05:30',
        cancel_token: 'secret-token',
      },
    })
    const onBooked = renderForm()
    await fillAndSubmit()
    expect(await screen.findByText('You’re booked!')).toBeInTheDocument()
    expect(screen.getByText(/Booking #41 for Asha Rao/)).toBeInTheDocument()
    expect(onBooked).toHaveBeenCalled()
    const [request] = bookEvent.mock.calls[0]
    expect(request).toMatchObject({ id: 3, SeatRequest: { name: 'Asha Rao', email: 'asha@example.com' } })
    expect(request.Idempotency_Key).toMatch(/^key-/)
    expect(loadBookings()).toEqual([
      expect.objectContaining({ id: 41, event_id: 3, event_title: 'Event A', cancel_token: 'secret-token' }),
    ])
  })

  it.each([
    ['event_full', 'Event is fully booked', 'Sorry, this event is fully booked.'],
    ['already_booked', 'Already booked', 'This e-mail address already holds a seat for this event.'],
    ['event_not_bookable', 'Not taking bookings', 'This event is not taking bookings'],
  ])('explains the refusal %s', async (code, title, message) => {
    bookEvent.mockImplementation(() => Promise.reject(problem(400, code)))
    renderForm()
    await fillAndSubmit()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent(title)
    expect(alert).toHaveTextContent(message)
    expect(loadBookings()).toEqual([])
  })

  it('explains a network failure and retries with the same idempotency key', async () => {
    bookEvent.mockRejectedValueOnce(networkError())
    renderForm()
    await fillAndSubmit()
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach Boxoffice')
    bookEvent.mockRejectedValueOnce(problem(400, 'event_full'))
    await userEvent.setup().click(screen.getByRole('button', { name: 'Book a seat' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('fully booked')
    expect(bookEvent.mock.calls[1][0].Idempotency_Key).toBe(bookEvent.mock.calls[0][0].Idempotency_Key)
  })

  it('shows the server’s field errors', async () => {
    const failure = problem(422, 'validation_failed', {
      errors: [{ field: 'email', message: 'is not a valid e-mail address' }],
    })
    bookEvent.mockImplementation(() => Promise.reject(failure))
    renderForm()
    await fillAndSubmit('Asha', 'asha@example.com')
    expect(await screen.findByText('is not a valid e-mail address')).toBeInTheDocument()
    expect(screen.getByLabelText(/E-mail/)).toHaveAttribute('aria-invalid', 'true')
  })
})

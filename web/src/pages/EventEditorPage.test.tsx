import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { problem } from '../test/problems'
import { EventEditorPage } from './EventEditorPage'

const createEvent = vi.fn()
vi.mock('../lib/api', () => ({
  eventsApi: {
    createEvent: (...args: unknown[]) => createEvent(...args),
    getEvent: vi.fn(),
    patchEvent: vi.fn(),
  },
}))

function renderPage() {
  render(
    <MemoryRouter initialEntries={['/organizer/events/new']}>
      <Routes>
        <Route path="/organizer/events/new" element={<EventEditorPage />} />
        <Route path="/organizer" element={<p>Dashboard</p>} />
      </Routes>
    </MemoryRouter>,
  )
}

async function fillValid() {
  const user = userEvent.setup()
  await user.type(screen.getByLabelText(/^Title/), 'Rust Meetup')
  await user.type(screen.getByLabelText(/^Location/), 'Pune')
  await user.selectOptions(screen.getByLabelText(/^Country/), 'IN')
  await user.selectOptions(screen.getByLabelText(/^Time zone/), 'Asia/Kolkata')
  await user.type(screen.getByLabelText(/^Starts/), '2030-03-01T18:00')
  await user.type(screen.getByLabelText(/^Ends/), '2030-03-01T21:00')
  await user.clear(screen.getByLabelText(/^Capacity/))
  await user.type(screen.getByLabelText(/^Capacity/), '40')
  return user
}

describe('EventEditorPage', () => {
  beforeEach(() => {
    createEvent.mockReset()
  })

  it('has a label for every control', () => {
    renderPage()
    for (const control of document.querySelectorAll('input, select, textarea')) {
      expect((control as HTMLInputElement).labels?.length).toBeGreaterThan(0)
    }
  })

  it('shows the server’s per-field errors next to the fields', async () => {
    const failure = problem(422, 'validation_failed', {
        errors: [
          { field: 'country', message: '"XX" is not an ISO 3166-1 country code' },
          { field: 'coordinates', message: 'longitude out of range' },
        ],
      })
    createEvent.mockImplementation(() => Promise.reject(failure))
    renderPage()
    const user = await fillValid()
    await user.click(screen.getByRole('button', { name: 'Publish event' }))
    expect(await screen.findByText('"XX" is not an ISO 3166-1 country code')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Country/)).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByRole('alert')).toHaveTextContent('coordinates: longitude out of range')
    expect(screen.getByRole('alert')).toHaveTextContent('Some fields need attention.')
  })

  it('sends the event and goes back to the dashboard', async () => {
    createEvent.mockResolvedValue({ data: { id: 5, title: 'Rust Meetup' } })
    renderPage()
    const user = await fillValid()
    await user.type(screen.getByLabelText(/^Tags/), 'Rust, meetup')
    await user.click(screen.getByRole('button', { name: 'Publish event' }))
    expect(await screen.findByText('Dashboard')).toBeInTheDocument()
    expect(createEvent.mock.calls[0][0].EventCreate).toMatchObject({
      title: 'Rust Meetup',
      location: 'Pune',
      country: 'IN',
      timezone: 'Asia/Kolkata',
      start_time: '2030-03-01T18:00:00',
      end_time: '2030-03-01T21:00:00',
      capacity: 40,
      tags: ['rust', 'meetup'],
    })
  })
})

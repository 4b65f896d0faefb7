import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { TimeZoneProvider } from '../lib/timezone'
import { problem } from '../test/problems'
import { DoorPage } from './DoorPage'

const getEvent = vi.fn()
const getEventCheckIns = vi.fn()
const checkInTicket = vi.fn()
const getEventStaff = vi.fn()
const putEventStaff = vi.fn()
const deleteEventStaff = vi.fn()
vi.mock('../lib/api', () => ({
  eventsApi: { getEvent: (...args: unknown[]) => getEvent(...args) },
  doorApi: {
    getEventCheckIns: (...args: unknown[]) => getEventCheckIns(...args),
    checkInTicket: (...args: unknown[]) => checkInTicket(...args),
    getEventStaff: (...args: unknown[]) => getEventStaff(...args),
    putEventStaff: (...args: unknown[]) => putEventStaff(...args),
    deleteEventStaff: (...args: unknown[]) => deleteEventStaff(...args),
  },
  setRequestTimeZone: () => undefined,
}))

let session: unknown = null
vi.mock('../lib/auth', () => ({ useAuth: () => ({ session }) }))

const event = { id: 3, title: 'Jazz Night', created_by: 'alice' }
const checkIn = {
  booking_id: 4,
  event_id: 3,
  attendee_name: 'Asha Rao',
  checked_in_at: '2030-12-05T19:02:00+01:00',
  checked_in_by: 'bob',
}

function renderPage() {
  render(
    <TimeZoneProvider>
      <MemoryRouter initialEntries={['/events/3/door']}>
        <Routes>
          <Route path="events/:id/door" element={<DoorPage />} />
        </Routes>
      </MemoryRouter>
    </TimeZoneProvider>,
  )
}

async function scan(code: string) {
  await userEvent.type(screen.getByLabelText('Ticket code'), code)
  await userEvent.click(screen.getByRole('button', { name: 'Check in' }))
}

describe('DoorPage', () => {
  beforeEach(() => {
    for (const mock of [getEvent, getEventCheckIns, checkInTicket, getEventStaff, putEventStaff, deleteEventStaff]) {
      mock.mockReset()
    }
    session = { user: { username: 'bob', role: 'user' } }
    getEvent.mockResolvedValue({ data: event })
    getEventCheckIns.mockResolvedValue({ data: { items: [], total: 36, confirmed: 120, page: 1, page_size: 1 } })
  })

  afterEach(() => {
    delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector
  })

  it('admits a typed ticket in big green letters and counts it', async () => {
    checkInTicket.mockResolvedValue({ data: checkIn })
    renderPage()
    expect(await screen.findByTestId('door-count')).toHaveTextContent('36 of 120 in')
    getEventCheckIns.mockResolvedValue({ data: { items: [], total: 37, confirmed: 120, page: 1, page_size: 1 } })
    await scan('  4.abcdef  ')
    expect(checkInTicket).toHaveBeenCalledWith({ id: 3, CheckInRequest: { ticket: '4.abcdef' } })
    const verdict = await screen.findByTestId('door-verdict')
    expect(verdict).toHaveClass('door-admitted')
    expect(within(verdict).getByText('Admitted')).toBeInTheDocument()
    expect(within(verdict).getByText('Asha Rao')).toBeInTheDocument()
    expect(await screen.findByText('37 of 120 in')).toBeInTheDocument()
    expect(screen.getByLabelText('Ticket code')).toHaveValue('')
  })

  it('refuses a second scan in red, saying who let them in', async () => {
    checkInTicket.mockRejectedValue(problem(409, 'already_checked_in', { check_in: checkIn }))
    renderPage()
    await scan('4.abcdef')
    const verdict = await screen.findByTestId('door-verdict')
    expect(verdict).toHaveClass('door-refused')
    expect(within(verdict).getByText('Already checked in')).toBeInTheDocument()
    expect(verdict).toHaveTextContent('by bob')
  })

  it('refuses a forged code', async () => {
    checkInTicket.mockRejectedValue(problem(422, 'invalid_ticket'))
    renderPage()
    await scan('9.forged')
    expect(await screen.findByText('Not a valid ticket')).toBeInTheDocument()
  })

  it('tells someone who is not on the door staff', async () => {
    getEventCheckIns.mockRejectedValue(problem(403, 'forbidden'))
    renderPage()
    expect(await screen.findByText('You cannot check tickets in here')).toBeInTheDocument()
  })

  it('offers the camera only where the browser can read QR codes', async () => {
    renderPage()
    await screen.findByTestId('door-count')
    expect(screen.queryByRole('button', { name: 'Scan with camera' })).not.toBeInTheDocument()
    ;(globalThis as { BarcodeDetector?: unknown }).BarcodeDetector = class {
      detect() {
        return Promise.resolve([])
      }
    }
    renderPage()
    expect(await screen.findByRole('button', { name: 'Scan with camera' })).toBeInTheDocument()
  })

  it('lets the organizer name door staff by username', async () => {
    session = { user: { username: 'alice', role: 'user' } }
    getEventStaff.mockResolvedValue({ data: { items: [] } })
    putEventStaff.mockResolvedValueOnce({ data: { user_id: 8, username: 'bob', added_at: '2030-12-01T10:00:00Z' } })
    putEventStaff.mockRejectedValueOnce(problem(404, 'user_not_found'))
    renderPage()
    const input = await screen.findByLabelText('Username')
    await userEvent.type(input, 'bob')
    await userEvent.click(screen.getByRole('button', { name: 'Add to door staff' }))
    expect(putEventStaff).toHaveBeenCalledWith({ id: 3, username: 'bob' })
    expect(await screen.findByRole('button', { name: 'Remove bob' })).toBeInTheDocument()
    await userEvent.type(input, 'nobody')
    await userEvent.click(screen.getByRole('button', { name: 'Add to door staff' }))
    expect(await screen.findByText('No account is named “nobody”.')).toBeInTheDocument()
  })
})

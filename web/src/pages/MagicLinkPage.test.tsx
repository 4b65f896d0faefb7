import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { loadAttendee } from '../lib/attendee'
import { networkError, problem } from '../test/problems'
import { MagicLinkLandingPage } from './MagicLinkLandingPage'
import { MagicLinkPage } from './MagicLinkPage'

const requestMagicLink = vi.fn()
const redeemMagicLink = vi.fn()
vi.mock('../lib/api', () => ({
  attendeesApi: {
    requestMagicLink: (...args: unknown[]) => requestMagicLink(...args),
    redeemMagicLink: (...args: unknown[]) => redeemMagicLink(...args),
  },
}))

const DETAIL = 'If an attendee has this address, a sign-in link is on its way. It works once, for 15 minutes.'

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/magic" element={<MagicLinkPage />} />
        <Route path="/magic/:token" element={<MagicLinkLandingPage />} />
        <Route path="/bookings" element={<p>Bookings page</p>} />
      </Routes>
    </MemoryRouter>,
  )
}

describe('asking for a sign-in link', () => {
  beforeEach(() => {
    requestMagicLink.mockReset()
  })

  it('checks the address before sending it', async () => {
    renderAt('/magic')
    const user = userEvent.setup()
    await user.type(screen.getByLabelText(/^E-mail/), 'asha@')
    await user.click(screen.getByRole('button', { name: 'E-mail me a sign-in link' }))
    expect(screen.getByText(/valid e-mail address/)).toBeInTheDocument()
    expect(screen.getByLabelText(/^E-mail/)).toHaveFocus()
    expect(requestMagicLink).not.toHaveBeenCalled()
  })

  it('gives the server’s one answer, known address or not, and moves the focus to it', async () => {
    requestMagicLink.mockResolvedValue({ data: { detail: DETAIL } })
    renderAt('/magic')
    const user = userEvent.setup()
    await user.type(screen.getByLabelText(/^E-mail/), ' asha@example.com ')
    await user.click(screen.getByRole('button', { name: 'E-mail me a sign-in link' }))
    const heading = await screen.findByRole('heading', { name: 'Check your mail' })
    expect(heading).toHaveFocus()
    expect(screen.getByText(DETAIL)).toBeInTheDocument()
    expect(screen.getByText('asha@example.com')).toBeInTheDocument()
    expect(requestMagicLink).toHaveBeenCalledWith({ MagicLinkRequest: { email: 'asha@example.com' } })
    await user.click(screen.getByRole('button', { name: 'try another address' }))
    expect(screen.getByLabelText(/^E-mail/)).toBeInTheDocument()
  })

  it('explains refusals: too many requests, no e-mail service, no network', async () => {
    renderAt('/magic')
    const user = userEvent.setup()
    await user.type(screen.getByLabelText(/^E-mail/), 'asha@example.com')
    const send = screen.getByRole('button', { name: 'E-mail me a sign-in link' })
    requestMagicLink.mockRejectedValueOnce(problem(429, 'rate_limited'))
    await user.click(send)
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts')
    requestMagicLink.mockRejectedValueOnce(problem(503, 'email_unavailable'))
    await user.click(send)
    expect(await screen.findByText(/does not send e-mail/)).toBeInTheDocument()
    requestMagicLink.mockRejectedValueOnce(networkError())
    await user.click(send)
    expect(await screen.findByText(/Could not reach Boxoffice/)).toBeInTheDocument()
  })
})

describe('following a sign-in link', () => {
  beforeEach(() => {
    redeemMagicLink.mockReset()
  })

  it('keeps the attendee token and shows the bookings', async () => {
    redeemMagicLink.mockResolvedValue({ data: { attendee_id: 5, token: 'att', token_type: 'attendee' } })
    renderAt('/magic/good-link')
    expect(await screen.findByText('Bookings page')).toBeInTheDocument()
    expect(redeemMagicLink).toHaveBeenCalledWith({ token: 'good-link' })
    expect(loadAttendee()).toEqual({ attendeeId: 5, token: 'att' })
  })

  it('says when a link is used or expired and offers a new one', async () => {
    redeemMagicLink.mockRejectedValue(problem(401, 'magic_link_invalid'))
    renderAt('/magic/used-link')
    expect(await screen.findByText('This link has expired or was already used')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Get a new sign-in link' })).toHaveAttribute('href', '/magic')
    expect(loadAttendee()).toBeNull()
  })

  it('offers to try again after a network error', async () => {
    redeemMagicLink
      .mockRejectedValueOnce(networkError())
      .mockResolvedValue({ data: { attendee_id: 5, token: 'att', token_type: 'attendee' } })
    renderAt('/magic/flaky-link')
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('Bookings page')).toBeInTheDocument()
  })
})

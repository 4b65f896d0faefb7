import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { loadAttendee, rememberAttendee } from '../lib/attendee'
import { problem } from '../test/problems'
import { PreferencesPage } from './PreferencesPage'

const getPreferences = vi.fn()
const putPreferences = vi.fn()
vi.mock('../lib/api', () => ({
  notificationsApi: {
    getPreferences: (...args: unknown[]) => getPreferences(...args),
    putPreferences: (...args: unknown[]) => putPreferences(...args),
  },
}))

let session: unknown = null
vi.mock('../lib/auth', () => ({ useAuth: () => ({ session }) }))

function renderPage() {
  render(
    <MemoryRouter>
      <PreferencesPage />
    </MemoryRouter>,
  )
}

const userPreferences = { holder: 'user', email: true, push: true, websocket: true, locale: null }

describe('PreferencesPage', () => {
  beforeEach(() => {
    getPreferences.mockReset()
    putPreferences.mockReset()
    session = null
  })

  it('tells a visitor how to sign in, and asks nothing of the server', () => {
    renderPage()
    expect(screen.getByRole('link', { name: 'sign in' })).toHaveAttribute('href', '/signin')
    expect(screen.getByRole('link', { name: 'get a sign-in link by e-mail' })).toHaveAttribute('href', '/magic')
    expect(getPreferences).not.toHaveBeenCalled()
  })

  it('edits a signed-in user’s channels and language, and says when they are saved', async () => {
    session = { user: { username: 'ana' } }
    getPreferences.mockResolvedValue({ data: userPreferences })
    putPreferences.mockResolvedValue({ data: { ...userPreferences, push: false, locale: 'de' } })
    renderPage()
    const push = await screen.findByRole('checkbox', { name: 'Push to my phone' })
    expect(getPreferences).toHaveBeenCalledWith({ X_Attendee_Token: undefined })
    expect(screen.getByRole('checkbox', { name: 'E-mail' })).toBeChecked()
    expect(screen.getByRole('checkbox', { name: 'Live in this app' })).toBeChecked()
    expect(push).toHaveAccessibleDescription('On the devices registered with the Boxoffice app.')
    const user = userEvent.setup()
    await user.click(push)
    await user.selectOptions(screen.getByLabelText(/^Language/), 'de')
    await user.click(screen.getByRole('button', { name: 'Save preferences' }))
    expect(await screen.findByText('Your preferences are saved.')).toBeInTheDocument()
    expect(putPreferences).toHaveBeenCalledWith({
      NotificationPreferencesUpdate: { email: true, push: false, websocket: true, locale: 'de' },
      X_Attendee_Token: undefined,
    })
    expect(screen.getByText('Your preferences are saved.').closest('[tabindex="-1"]')).toHaveFocus()
    expect(screen.getByLabelText(/^Language/)).toHaveValue('de')
  })

  it('shows an attendee the e-mail channel only, with their token, and the server’s refusal', async () => {
    rememberAttendee({ attendeeId: 4, token: 'att-token' })
    getPreferences.mockResolvedValue({
      data: { holder: 'attendee', email: true, push: true, websocket: true, locale: 'fr-CA' },
    })
    putPreferences.mockRejectedValue(
      problem(422, 'validation_failed', { errors: [{ field: 'locale', message: 'must be a language tag' }] }),
    )
    renderPage()
    const email = await screen.findByRole('checkbox', { name: 'E-mail' })
    expect(getPreferences).toHaveBeenCalledWith({ X_Attendee_Token: 'att-token' })
    expect(screen.queryByRole('checkbox', { name: 'Push to my phone' })).not.toBeInTheDocument()
    expect(screen.getByLabelText(/^Language/)).toHaveValue('fr-CA')
    const user = userEvent.setup()
    await user.click(email)
    expect(screen.getByText(/you will not hear about changes/)).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Save preferences' }))
    expect(await screen.findByText('Some fields need attention.')).toBeInTheDocument()
    expect(screen.getByText('must be a language tag')).toBeInTheDocument()
    expect(screen.getByLabelText(/^Language/)).toHaveAttribute('aria-invalid', 'true')
    expect(putPreferences).toHaveBeenCalledWith({
      NotificationPreferencesUpdate: { email: false, push: true, websocket: true, locale: 'fr-CA' },
      X_Attendee_Token: 'att-token',
    })
  })

  it('forgets an attendee token the server no longer accepts and offers a new link', async () => {
    rememberAttendee({ attendeeId: 4, token: 'old' })
    getPreferences.mockRejectedValue(problem(401, 'authentication_required'))
    renderPage()
    expect(await screen.findByText('Your sign-in link no longer works here')).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Get a new sign-in link' })).toHaveAttribute('href', '/magic')
    expect(loadAttendee()).toBeNull()
  })

  it('offers to try again when loading fails', async () => {
    session = { user: { username: 'ana' } }
    getPreferences.mockRejectedValueOnce(problem(500, 'internal_error')).mockResolvedValue({ data: userPreferences })
    renderPage()
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('checkbox', { name: 'E-mail' })).toBeChecked()
  })
})

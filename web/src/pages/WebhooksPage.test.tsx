import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter } from 'react-router'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { problem } from '../test/problems'
import { WebhooksPage } from './WebhooksPage'

const listWebhooks = vi.fn()
const createWebhook = vi.fn()
const deleteWebhook = vi.fn()
const listWebhookDeliveries = vi.fn()
const replayWebhookDelivery = vi.fn()
vi.mock('../lib/api', () => ({
  webhooksApi: {
    listWebhooks: (...args: unknown[]) => listWebhooks(...args),
    createWebhook: (...args: unknown[]) => createWebhook(...args),
    deleteWebhook: (...args: unknown[]) => deleteWebhook(...args),
    listWebhookDeliveries: (...args: unknown[]) => listWebhookDeliveries(...args),
    replayWebhookDelivery: (...args: unknown[]) => replayWebhookDelivery(...args),
  },
}))

const hook = {
  id: 4,
  owner_id: 1,
  event_id: null,
  url: 'https://hooks.example.com/in',
  event_types: ['booking.created'],
  description: 'Ticketing',
  created_at: '2026-11-30T10:00:00Z',
  updated_at: '2026-11-30T10:00:00Z',
}
const failed = {
  id: 17,
  webhook_id: 4,
  message_id: 'msg_abc',
  event_type: 'booking.created',
  status: 'failed',
  attempts: 8,
  last_response_code: 500,
  last_error: 'HTTP 500 Internal Server Error',
  next_attempt_at: null,
  created_at: '2026-11-29T10:00:00Z',
  delivered_at: null,
  payload: { type: 'booking.created' },
}
const page = (items: unknown[]) => ({ data: { items, total: items.length, page: 1, page_size: 100 } })

function renderPage() {
  render(
    <MemoryRouter>
      <WebhooksPage />
    </MemoryRouter>,
  )
}

describe('WebhooksPage', () => {
  beforeEach(() => {
    for (const mock of [listWebhooks, createWebhook, deleteWebhook, listWebhookDeliveries, replayWebhookDelivery]) {
      mock.mockReset()
    }
  })

  it('lists the endpoints with their scope and event types', async () => {
    listWebhooks.mockResolvedValue(page([hook]))
    renderPage()
    expect(await screen.findByText('https://hooks.example.com/in')).toBeInTheDocument()
    expect(screen.getByText(/All your events · booking.created/)).toBeInTheDocument()
  })

  it('adds an endpoint and shows its secret once, with a copy button', async () => {
    listWebhooks.mockResolvedValueOnce(page([])).mockResolvedValue(page([hook]))
    createWebhook.mockResolvedValue({ data: { ...hook, secret: 'whsec_c2VjcmV0' } })
    const user = userEvent.setup()
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue()
    renderPage()
    await screen.findByText('No webhooks yet.')
    await user.type(screen.getByLabelText(/Endpoint URL/), 'https://hooks.example.com/in')
    await user.click(screen.getByRole('checkbox', { name: 'booking.created' }))
    await user.click(screen.getByRole('button', { name: 'Add webhook' }))
    expect(createWebhook).toHaveBeenCalledWith({
      WebhookCreate: {
        url: 'https://hooks.example.com/in',
        event_id: undefined,
        event_types: ['booking.created'],
        description: undefined,
      },
    })
    expect(await screen.findByText('whsec_c2VjcmV0')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Copy secret' }))
    expect(writeText).toHaveBeenCalledWith('whsec_c2VjcmV0')
    expect(screen.getByRole('button', { name: 'Copied' })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'I have saved it' }))
    expect(screen.queryByText('whsec_c2VjcmV0')).not.toBeInTheDocument()
  })

  it('shows the server’s per-field errors', async () => {
    listWebhooks.mockResolvedValue(page([]))
    createWebhook.mockRejectedValue(
      problem(422, 'validation_failed', { errors: [{ field: 'url', message: 'must be an http or https URL' }] }),
    )
    const user = userEvent.setup()
    renderPage()
    await screen.findByText('No webhooks yet.')
    await user.type(screen.getByLabelText(/Endpoint URL/), 'ftp://x')
    await user.click(screen.getByRole('button', { name: 'Add webhook' }))
    expect(await screen.findByText('must be an http or https URL')).toBeInTheDocument()
  })

  it('deletes an endpoint after confirmation', async () => {
    listWebhooks.mockResolvedValueOnce(page([hook])).mockResolvedValue(page([]))
    deleteWebhook.mockResolvedValue({})
    vi.spyOn(window, 'confirm').mockReturnValue(true)
    const user = userEvent.setup()
    renderPage()
    await user.click(await screen.findByRole('button', { name: 'Delete' }))
    expect(deleteWebhook).toHaveBeenCalledWith({ id: 4 })
    expect(await screen.findByText('No webhooks yet.')).toBeInTheDocument()
  })

  it('shows the delivery log and replays a failed delivery', async () => {
    listWebhooks.mockResolvedValue(page([hook]))
    listWebhookDeliveries.mockResolvedValue(page([failed]))
    replayWebhookDelivery.mockResolvedValue({ data: { ...failed, status: 'pending', attempts: 0 } })
    const user = userEvent.setup()
    renderPage()
    await user.click(await screen.findByRole('button', { name: 'Deliveries' }))
    const table = await screen.findByRole('table', { name: 'Deliveries to https://hooks.example.com/in' })
    const row = within(table).getAllByRole('row')[1]
    expect(within(row).getByText('failed')).toBeInTheDocument()
    expect(within(row).getByText('500')).toBeInTheDocument()
    await user.click(within(row).getByRole('button', { name: 'Replay delivery 17' }))
    expect(replayWebhookDelivery).toHaveBeenCalledWith({ id: 4, delivery_id: 17 })
    expect(await within(table).findByText('pending')).toBeInTheDocument()
  })
})

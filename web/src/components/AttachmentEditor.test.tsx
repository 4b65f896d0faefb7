import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { AttachmentView } from '../api'
import { problem } from '../test/problems'
import { AttachmentEditor } from './AttachmentEditor'

const putEventAttachment = vi.fn()
const deleteEventAttachment = vi.fn()
vi.mock('../lib/api', () => ({
  eventsApi: {
    putEventAttachment: (...args: unknown[]) => putEventAttachment(...args),
    deleteEventAttachment: (...args: unknown[]) => deleteEventAttachment(...args),
  },
}))

const stored: AttachmentView = {
  file_name: 'agenda.pdf',
  content_type: 'application/pdf',
  size: 4096,
  sha256: 'a'.repeat(64),
  uploaded_at: '2030-01-01T10:00:00+05:30',
  download_url: '/events/7/attachment',
}

describe('AttachmentEditor', () => {
  beforeEach(() => {
    putEventAttachment.mockReset()
    deleteEventAttachment.mockReset()
  })

  it('uploads the chosen file under its own name and reports the stored file', async () => {
    putEventAttachment.mockResolvedValue({ data: stored })
    const onChange = vi.fn()
    render(<AttachmentEditor eventId={7} attachment={null} onChange={onChange} />)
    const user = userEvent.setup()
    const file = new File(['%PDF-1.4'], 'agenda.pdf', { type: 'application/pdf' })
    await user.upload(screen.getByLabelText(/^File/), file)
    await user.click(screen.getByRole('button', { name: 'Upload file' }))
    expect(putEventAttachment).toHaveBeenCalledWith({ id: 7, body: file, filename: 'agenda.pdf' })
    expect(onChange).toHaveBeenCalledWith(stored)
    expect(await screen.findByText('“agenda.pdf” is attached.')).toBeInTheDocument()
  })

  it('shows why the server refused a file', async () => {
    putEventAttachment.mockRejectedValue(
      problem(415, 'unsupported_attachment_type', { detail: 'Attach a PDF, PNG, JPEG or WebP image, or plain UTF-8 text.' }),
    )
    const onChange = vi.fn()
    render(<AttachmentEditor eventId={7} attachment={null} onChange={onChange} />)
    const user = userEvent.setup()
    await user.upload(screen.getByLabelText(/^File/), new File(['MZ'], 'setup.pdf'))
    await user.click(screen.getByRole('button', { name: 'Upload file' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('Attach a PDF')
    expect(onChange).not.toHaveBeenCalled()
  })

  it('offers the stored file for download and removes it', async () => {
    deleteEventAttachment.mockResolvedValue({ data: undefined })
    const onChange = vi.fn()
    render(<AttachmentEditor eventId={7} attachment={stored} onChange={onChange} />)
    expect(screen.getByRole('link', { name: 'agenda.pdf' })).toHaveAttribute('href', '/events/7/attachment')
    expect(screen.getByText('(PDF, 4 KB)')).toBeInTheDocument()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Remove file' }))
    expect(deleteEventAttachment).toHaveBeenCalledWith({ id: 7 })
    expect(onChange).toHaveBeenCalledWith(null)
  })
})

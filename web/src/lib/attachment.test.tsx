import { describe, expect, it } from 'vitest'
import { describeAttachment, formatBytes } from './attachment'

describe('formatBytes', () => {
  it('reads like a person would say it', () => {
    expect(formatBytes(1)).toBe('1 byte')
    expect(formatBytes(512)).toBe('512 bytes')
    expect(formatBytes(48 * 1024 + 100)).toBe('48 KB')
    expect(formatBytes(2.5 * 1024 * 1024)).toBe('2.5 MB')
    expect(formatBytes(15 * 1024 * 1024)).toBe('15 MB')
  })
})

describe('describeAttachment', () => {
  const file = {
    file_name: 'agenda.pdf',
    content_type: 'application/pdf',
    size: 2048,
    sha256: '0'.repeat(64),
    uploaded_at: '2030-01-01T10:00:00+05:30',
    download_url: '/events/1/attachment',
  }

  it('names the kind and the size', () => {
    expect(describeAttachment(file)).toBe('PDF, 2 KB')
    expect(describeAttachment({ ...file, content_type: 'text/plain; charset=utf-8', size: 10 })).toBe('Text, 10 bytes')
  })
})

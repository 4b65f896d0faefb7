// Event attachments: what the server accepts and how a stored file is described.
import type { AttachmentView } from '../api'

/** The kinds the server accepts (it decides from the file's bytes, not from these). */
export const ACCEPTED_TYPES = 'application/pdf,image/png,image/jpeg,image/webp,text/plain,.pdf,.png,.jpg,.jpeg,.webp,.txt'

const KIND_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/webp': 'WebP image',
  'text/plain; charset=utf-8': 'Text',
}

/** A size in bytes for people: `512 bytes`, `48 KB`, `2.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`
  const kb = bytes / 1024
  if (kb < 1024) return `${Math.round(kb)} KB`
  const mb = kb / 1024
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`
}

/** `PDF, 48 KB`. */
export function describeAttachment(file: AttachmentView): string {
  const kind = KIND_NAMES[file.content_type] ?? file.content_type
  return `${kind}, ${formatBytes(file.size)}`
}

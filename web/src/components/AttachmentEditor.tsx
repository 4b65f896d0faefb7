import { useRef, useState, type FormEvent } from 'react'
import type { AttachmentView } from '../api'
import { eventsApi } from '../lib/api'
import { ACCEPTED_TYPES, describeAttachment } from '../lib/attachment'
import { toProblem } from '../lib/problem'
import { Alert } from './Alert'
import { Field } from './Field'

interface AttachmentEditorProps {
  eventId: number
  attachment: AttachmentView | null | undefined
  onChange: (attachment: AttachmentView | null) => void
}

/** Attaches a file to an event (replacing the earlier one) or removes it. */
export function AttachmentEditor({ eventId, attachment, onChange }: AttachmentEditorProps) {
  const input = useRef<HTMLInputElement>(null)
  const [chosen, setChosen] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)

  async function upload(e: FormEvent) {
    e.preventDefault()
    if (!chosen) {
      setFailure('Choose a file first.')
      return
    }
    setBusy(true)
    setFailure(null)
    setDone(null)
    try {
      const { data } = await eventsApi.putEventAttachment({ id: eventId, body: chosen, filename: chosen.name })
      onChange(data)
      setDone(`“${data.file_name}” is attached.`)
      setChosen(null)
      if (input.current) input.current.value = ''
    } catch (err) {
      setFailure(toProblem(err).message)
    } finally {
      setBusy(false)
    }
  }

  async function remove() {
    setBusy(true)
    setFailure(null)
    setDone(null)
    try {
      await eventsApi.deleteEventAttachment({ id: eventId })
      onChange(null)
      setDone('The file was removed.')
    } catch (err) {
      setFailure(toProblem(err).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card attachment-editor" aria-labelledby="attachment-heading">
      <h2 id="attachment-heading">Attachment</h2>
      {failure ? (
        <Alert kind="error" title="The file was not saved">
          {failure}
        </Alert>
      ) : null}
      {done ? <Alert kind="success">{done}</Alert> : null}
      {attachment ? (
        <p className="attachment-current">
          <a href={attachment.download_url} download={attachment.file_name}>
            {attachment.file_name}
          </a>{' '}
          <span className="muted">({describeAttachment(attachment)})</span>{' '}
          <button type="button" className="button button-ghost" onClick={remove} disabled={busy}>
            Remove file
          </button>
        </p>
      ) : (
        <p className="muted">No file attached.</p>
      )}
      <form onSubmit={upload} aria-label="Attach a file">
        <Field
          label={attachment ? 'Replace with' : 'File'}
          hint="A PDF, a PNG, JPEG or WebP image, or plain text. It takes the place of the link above."
        >
          <input
            ref={input}
            name="attachment"
            type="file"
            accept={ACCEPTED_TYPES}
            onChange={(e) => setChosen(e.target.files?.[0] ?? null)}
          />
        </Field>
        <button type="submit" className="button button-secondary" disabled={busy || !chosen}>
          {busy ? 'Working…' : 'Upload file'}
        </button>
      </form>
    </section>
  )
}

// Attachments: an organizer attaches a PDF in the event editor (a renamed executable is
// refused), an attendee downloads it from the event page, and the organizer removes it.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { eventually, openPage, screenshot, setUp } from './harness.mjs'

let env

before(async () => {
  env = await setUp()
})

after(async () => {
  await env?.close()
})

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

describe('attachments', () => {
  let account
  let event
  let organizer

  before(async () => {
    account = await env.api.organizer('files')
    event = await env.api.createEvent(account.token, { title: `Workshop with handouts ${account.username}` })
    organizer = await openPage(env.browser)
    const { page } = organizer
    await page.goto(`${env.url}/app/signin`)
    await page.getByLabel('Username or e-mail').fill(account.username)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Organizer', exact: true }).waitFor()
  })

  after(async () => {
    await organizer.context.close()
  })

  test('the organizer attaches a PDF in the editor; a renamed executable is refused', async () => {
    const { page } = organizer
    await page.goto(`${env.url}/app/organizer/events/${event.id}/edit`)
    await page.getByRole('heading', { name: 'Attachment' }).waitFor()
    await page.getByText('No file attached.').waitFor()

    const executable = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(64)])
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'agenda.pdf', mimeType: 'application/pdf', buffer: executable })
    await page.getByRole('button', { name: 'Upload file' }).click()
    await page.getByRole('alert').getByText('not from its name', { exact: false }).waitFor()

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Programme été.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.getByRole('button', { name: 'Upload file' }).click()
    await page.getByText('“Programme été.pdf” is attached.').waitFor()
    await page.getByRole('link', { name: 'Programme été.pdf' }).waitFor()
    await screenshot(page, 'attachment-editor')
    const stored = await env.api.event(event.id)
    assert.equal(stored.attachment.content_type, 'application/pdf')
    assert.equal(stored.attachment_url, `/events/${event.id}/attachment`)
    assert.deepEqual(organizer.problems(), [])
  })

  test('an attendee downloads it from the event page', async () => {
    const attendee = await openPage(env.browser)
    try {
      const { page } = attendee
      await page.goto(`${env.url}/app/events/${event.id}`)
      const link = page.getByRole('link', { name: 'Download Programme été.pdf' })
      await link.waitFor()
      await page.getByText('(PDF, 77 bytes)').waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
      assert.equal(download.suggestedFilename(), 'Programme été.pdf')
      const bytes = await readFile(await download.path())
      assert.deepEqual(bytes, PDF)
      assert.deepEqual(attendee.problems(), [])
    } finally {
      await attendee.context.close()
    }
  })

  test('the organizer removes it and the event page no longer offers it', async () => {
    const { page } = organizer
    await page.getByRole('button', { name: 'Remove file' }).click()
    await page.getByText('The file was removed.').waitFor()
    await page.getByText('No file attached.').waitFor()
    await eventually(async () => (await env.api.event(event.id)).attachment === null, 'attachment removed')
    const gone = await env.api.call('GET', `/events/${event.id}/attachment`)
    assert.equal(gone.status, 404)
    assert.equal(gone.data.code, 'attachment_not_found')
  })
})

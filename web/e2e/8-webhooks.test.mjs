// Webhooks: an organizer adds an endpoint (a receiver started here on loopback), copies its
// secret shown once, and after a booking sees the delivery in the log and replays it.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { eventually, openPage, screenshot, setUp } from './harness.mjs'

let env
let receiver
const received = []

before(async () => {
  env = await setUp()
  receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      received.push({ id: request.headers['webhook-id'], signature: request.headers['webhook-signature'], body })
      response.writeHead(204).end()
    })
  })
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r))
})

after(async () => {
  await new Promise((r) => receiver?.close(r))
  await env?.close()
})

describe('webhooks', () => {
  test('an organizer adds a webhook, sees its delivery and replays it', async () => {
    const account = await env.api.organizer('hooks')
    const event = await env.api.createEvent(account.token, { title: `Hooked event ${account.username}` })
    const { page, context, problems } = await openPage(env.browser)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.goto(`${env.url}/app/signin`)
    await page.getByLabel('Username or e-mail').fill(account.username)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Organizer', exact: true }).waitFor()
    await page.getByRole('link', { name: 'Webhooks' }).click()
    await page.getByText('No webhooks yet.').waitFor()

    const url = `http://127.0.0.1:${receiver.address().port}/hooks`
    await page.getByLabel(/Endpoint URL/).fill(url)
    await page.getByRole('checkbox', { name: 'booking.created' }).check()
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const secret = await page.locator('code.secret').textContent()
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    await page.getByRole('button', { name: 'Copy secret' }).click()
    await page.getByRole('button', { name: 'Copied' }).waitFor()
    await screenshot(page, 'webhooks-secret-once')
    await page.getByRole('button', { name: 'I have saved it' }).click()
    assert.equal(await page.locator('code.secret').count(), 0)

    assert.equal((await env.api.book(event.id, 'Hook Guest', `guest_${account.username}@example.com`)).status, 201)
    await eventually(() => received.length === 1, 'the receiver gets the booking', 10_000)
    assert.match(received[0].signature, /^v1,/)
    assert.equal(JSON.parse(received[0].body).type, 'booking.created')

    await page.getByRole('button', { name: 'Deliveries' }).click()
    const table = page.getByRole('table', { name: `Deliveries to ${url}` })
    await table.getByRole('cell', { name: 'delivered' }).waitFor()
    await screenshot(page, 'webhooks-delivery-log')
    await table.getByRole('button', { name: /^Replay delivery/ }).click()
    await eventually(() => received.length === 2, 'the replay reaches the receiver', 10_000)
    assert.equal(received[1].id, received[0].id, 'a replay keeps the webhook-id')
    assert.deepEqual(problems(), [])
    await context.close()
  })
})

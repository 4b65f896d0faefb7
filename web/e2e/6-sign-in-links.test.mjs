// Notification preferences and sign-in links, end to end: an organizer's preferences kept
// across a reload; an attendee who lost their browser's tokens asks for a link, reads the
// e-mail the server really wrote (DATA_DIR/mail), follows it, sees and cancels the booking,
// and sets their own preferences; a used link is refused with a way to ask again.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { eventually, openPage, runId, screenshot, setUp } from './harness.mjs'
import { waitForMail } from './mail.mjs'

let env
let organizer

before(async () => {
  env = await setUp()
  assert.ok(env.dataDir, 'the server’s data directory (BOXOFFICE_DATA_DIR with BOXOFFICE_URL)')
  organizer = await env.api.organizer('prefs')
})

after(async () => {
  await env?.close()
})

/** The checked state of the channel boxes and the language shown. */
async function shown(page) {
  const boxes = page.locator('.choices input[type="checkbox"]')
  await boxes.first().waitFor()
  const checked = {}
  for (const box of await boxes.all()) checked[await box.getAttribute('name')] = await box.isChecked()
  return { ...checked, locale: await page.getByLabel(/^Language/).inputValue() }
}

async function save(page) {
  await page.getByRole('button', { name: 'Save preferences' }).click()
  await page.getByText('Your preferences are saved.').waitFor()
  // The outcome takes the focus, so keyboard and screen-reader users hear it.
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('preferences-result')))
}

describe('notification preferences and sign-in links', () => {
  test('an organizer changes their channels and language, and finds them kept after a reload', async () => {
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/signin`)
    await page.getByLabel('Username or e-mail').fill(organizer.username)
    await page.getByLabel('Password').fill(organizer.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Organizer', exact: true }).waitFor()
    await page.locator('.site-footer').getByRole('link', { name: 'Notification preferences' }).click()
    await page.getByRole('heading', { name: 'Notification preferences' }).waitFor()
    assert.deepEqual(await shown(page), { email: true, push: true, websocket: true, locale: '' })

    await page.getByLabel('Push to my phone').uncheck()
    await page.getByLabel(/^Language/).selectOption('de')
    await save(page)
    await screenshot(page, 'preferences')

    await page.reload()
    await page.getByRole('heading', { name: 'Notification preferences' }).waitFor()
    assert.deepEqual(await shown(page), { email: true, push: false, websocket: true, locale: 'de' })
    const stored = await env.api.call('GET', '/me/notification-preferences', { token: organizer.token })
    assert.deepEqual(stored.data, { holder: 'user', email: true, push: false, websocket: true, locale: 'de' })
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('an attendee signs in by e-mail link on a new browser, cancels, and sets their preferences', async () => {
    const title = `Lantern Walk ${runId}`
    const event = await env.api.createEvent(organizer.token, { title, capacity: 10 })
    const email = `lena.${runId}@example.com`

    // Booked in one browser, whose cancel token then is gone with it.
    const first = await openPage(env.browser)
    await first.page.goto(`${env.url}/app/events/${event.id}`)
    await first.page.getByLabel('Your name').fill('Lena Park')
    await first.page.getByLabel('E-mail').fill(email)
    await first.page.getByRole('button', { name: 'Book a seat' }).click()
    await first.page.getByText('You’re booked!').waitFor()
    assert.deepEqual(first.problems(), [])
    await first.context.close()
    assert.equal((await env.api.event(event.id)).seats_available, 9)
    // The confirmation's "manage your booking" link opens the web app's page.
    await waitForMail(env.dataDir, email, /\/app\/bookings\b/)

    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/bookings`)
    await page.getByText('No bookings yet.').waitFor()
    await page.getByRole('link', { name: 'Get a sign-in link by e-mail' }).click()
    await page.getByRole('heading', { name: 'Find my bookings' }).waitFor()
    await page.getByLabel('E-mail').fill(email)
    await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click()
    const answer = page.getByRole('heading', { name: 'Check your mail' })
    await answer.waitFor()
    assert.ok(await answer.evaluate((el) => el === document.activeElement), 'the answer has the focus')
    await screenshot(page, 'magic-link-sent')

    // The page says what the server says, which is the same for an address nobody booked with.
    const unknown = await env.api.call('POST', '/attendees/magic-link', { body: { email: `nobody.${runId}@example.com` } })
    assert.equal(unknown.status, 202)
    await page.getByText(unknown.data.detail).waitFor()

    const pattern = new RegExp(`${env.url.replace(/[.:/]/g, '\\$&')}/app/magic/[A-Za-z0-9_-]+`)
    const [link] = await waitForMail(env.dataDir, email, pattern)
    await page.goto(link)
    await page.getByText('You are signed in with your e-mail link').waitFor()
    assert.equal(new URL(page.url()).pathname, '/app/bookings', 'the used link leaves the address bar')
    const card = page.locator('.booking-card').filter({ hasText: title })
    await card.getByRole('link', { name: title }).waitFor()
    assert.equal(await card.getByTestId('booking-status').textContent(), 'Confirmed')
    assert.match(await card.textContent(), new RegExp(`Lena Park · ${email.replace(/\./g, '\\.')}`))
    await screenshot(page, 'bookings-signed-in')

    await card.getByRole('button', { name: 'Cancel booking' }).click()
    await card.getByRole('button', { name: 'Yes, cancel it' }).click()
    await eventually(async () => (await card.getByTestId('booking-status').textContent()) === 'Cancelled', 'cancelled')
    assert.equal((await env.api.event(event.id)).seats_available, 10)

    // The attendee's own preferences: e-mail is their only channel.
    await page.getByRole('link', { name: 'Notification preferences' }).first().click()
    await page.getByText('For the e-mail address you signed in with by link.').waitFor()
    const before = await shown(page)
    assert.equal(before.email, true)
    assert.equal(Object.keys(before).length, 2, 'no push or live channel for attendees')
    await page.getByLabel(/^Language/).selectOption('fr')
    await save(page)
    await page.reload()
    assert.deepEqual(await shown(page), { email: true, locale: 'fr' })

    // A link works once.
    await page.goto(link)
    await page.getByText('This link has expired or was already used').waitFor()
    await page.getByRole('link', { name: 'Get a new sign-in link' }).click()
    await page.getByRole('heading', { name: 'Find my bookings' }).waitFor()
    assert.deepEqual(problems(), [])
    await context.close()
  })
})

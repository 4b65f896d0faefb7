// Organizer side: sign up, create an event (with the form's checks), see it appear, edit it
// and get the notification live, the paginated attendee list, bookings arriving as
// notifications, the dashboard and the CSV export, deleting, signing out and in.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { PHONE, eventually, localInput, openPage, overflowsHorizontally, runId, screenshot, setUp } from './harness.mjs'

let env

before(async () => {
  env = await setUp()
})

after(async () => {
  await env?.close()
})

const username = `maya_${runId}`
const password = 'Str0ng!pass'
const title = `Rust Meetup ${runId}`

describe('organizer', () => {
  let organizer
  let eventId

  before(async () => {
    organizer = await openPage(env.browser)
  })

  after(async () => {
    await organizer.context.close()
  })

  test('signs up and lands on an empty dashboard', async () => {
    const { page } = organizer
    await page.goto(`${env.url}/app/`)
    await page.getByRole('link', { name: 'Organizer sign in' }).click()
    await page.getByRole('heading', { name: 'Organizer sign in' }).waitFor()
    await screenshot(page, 'signin')
    await page.getByRole('link', { name: 'Create an organizer account' }).click()

    // The server's account rules, checked before sending.
    await page.getByLabel('E-mail').fill(`maya.${runId}@example.com`)
    await page.getByLabel('Username').fill('m!')
    await page.getByLabel('Password').fill('weak')
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByText('3 to 50 letters, digits or underscores.', { exact: false }).first().waitFor()
    await page.getByText('At least 8 characters.', { exact: true }).waitFor()

    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Full name').fill('Maya Singh')
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Organizer', exact: true }).waitFor()
    await page.getByText('You have not published an event yet.').waitFor()
    assert.match(await page.locator('.account-name').textContent(), new RegExp(username))
    // The token is kept for this tab only.
    const session = await page.evaluate(() => sessionStorage.getItem('boxoffice.session'))
    assert.ok(session && JSON.parse(session).token)
    assert.equal(await page.evaluate(() => localStorage.getItem('boxoffice.session')), null)
  })

  test('creates an event after the form catches mistakes, and sees it appear', async () => {
    const { page } = organizer
    await page.getByRole('link', { name: 'New event' }).click()
    await page.getByRole('heading', { name: 'New event' }).waitFor()
    await page.getByLabel('Capacity').fill('')
    await page.getByRole('button', { name: 'Publish event' }).click()
    for (const message of ['Give the event a title.', 'Say where it takes place.', 'Choose a country.', 'When does it start?']) {
      await page.getByText(message).waitFor()
    }
    // Focus goes to the first field to fix.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'title')

    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Description').fill('Lightning talks about async Rust, then pizza.')
    await page.getByLabel('Location').fill('Pune')
    await page.getByLabel('Country').selectOption('IN')
    await page.getByLabel('Time zone').selectOption('Asia/Kolkata')
    await page.getByLabel('Starts').fill('2020-01-01T18:00')
    await page.getByLabel('Ends').fill('2019-12-31T18:00')
    await page.getByLabel('Capacity').fill('0')
    await page.getByLabel('Tags').fill('rust, meetup, Rust')
    await page.getByRole('button', { name: 'Publish event' }).click()
    await page.getByText('The start must be in the future.').waitFor()
    await page.getByText('The end must be after the start.').waitFor()
    await page.getByText('Between 1 and 1,000,000 seats.').waitFor()

    await page.getByLabel('Starts').fill(localInput(40, 18))
    await page.getByLabel('Ends').fill(localInput(40, 21))
    await page.getByLabel('Capacity').fill('40')
    await screenshot(page, 'event-editor')
    await page.getByRole('button', { name: 'Publish event' }).click()

    await page.getByText(`“${title}” is published.`).waitFor()
    const row = page.locator('.own-event', { hasText: title })
    await row.waitFor()
    assert.match(await row.textContent(), /40 seats left/)
    eventId = Number((await row.getAttribute('data-testid')).replace('own-event-', ''))
    const created = await env.api.event(eventId)
    assert.equal(created.created_by, username)
    assert.deepEqual(created.tags, ['meetup', 'rust'])
    assert.equal(created.timezone, 'Asia/Kolkata')
    assert.match(created.start_time, /T18:00:00\+05:30$/)
    // event.created reaches every signed-in client, the author included.
    const notifications = page.getByTestId('notifications')
    await eventually(async () => (await notifications.textContent()).includes(`${username} created “${title}”`), 'created notification')

    // Attendees see it in the public list.
    const visitor = await openPage(env.browser)
    await visitor.page.goto(`${env.url}/app/?q=${encodeURIComponent(title)}`)
    await visitor.page.getByRole('link', { name: title }).waitFor()
    await visitor.context.close()
  })

  test('edits the event and sees the notification arrive live', async () => {
    const { page } = organizer
    await page.getByRole('link', { name: `Edit ${title}` }).click()
    await page.getByRole('heading', { name: `Edit “${title}”` }).waitFor()
    assert.equal(await page.getByLabel('Title').inputValue(), title)
    assert.equal(await page.getByLabel('Starts').inputValue(), localInput(40, 18))
    assert.equal(await page.getByLabel('Tags').inputValue(), 'meetup, rust')

    await page.getByLabel('Title').fill('')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText('Give the event a title.').waitFor()

    await page.getByLabel('Title').fill(`${title} #2`)
    await page.getByLabel('Capacity').fill('60')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByText(`“${title} #2” was saved.`).waitFor()
    const edited = await env.api.event(eventId)
    assert.equal(edited.title, `${title} #2`)
    assert.equal(edited.capacity, 60)
    // Unchanged fields were not sent: the start stays as it was.
    assert.match(edited.start_time, /T18:00:00\+05:30$/)

    const notifications = page.getByTestId('notifications')
    await eventually(async () => (await notifications.textContent()).includes(`${username} updated “${title} #2”`), 'updated notification')
    assert.ok(await notifications.locator('.new-pill').count() >= 1)
  })

  test('lists attendees page by page and hears about bookings', async () => {
    const { page } = organizer
    for (let i = 1; i <= 12; i++) {
      const booked = await env.api.book(eventId, `Guest ${String(i).padStart(2, '0')}`, `guest${i}.${runId}@example.com`)
      assert.equal(booked.status, 201)
    }
    // booking.created goes to the owner.
    const notifications = page.getByTestId('notifications')
    await eventually(async () => (await notifications.locator('.notification-booking-created').count()) >= 12, 'booking notifications', 10_000)
    await eventually(async () => /48 seats left/.test(await page.locator('.own-event', { hasText: title }).textContent()), 'live count on the dashboard')
    await screenshot(page, 'organizer')

    await page.getByRole('link', { name: `Attendees of ${title} #2` }).click()
    await page.getByRole('heading', { name: `Attendees of “${title} #2”` }).waitFor()
    const rows = page.getByRole('table', { name: /Attendees with a confirmed booking/ }).locator('tbody tr')
    await eventually(async () => (await rows.count()) === 10, 'ten attendees on page 1')
    assert.equal(await page.getByTestId('attendees-total').textContent(), '12 attendees')
    // The dashboard above the list: the figures and the chart of this hour's bookings.
    await eventually(async () => (await page.getByTestId('dashboard-confirmed').textContent()) === '12', 'dashboard totals')
    await page.getByRole('img', { name: /Bookings, cancellations and check-ins per hour/ }).waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    assert.equal(download.suggestedFilename(), `event-${eventId}-attendees.csv`)
    const csv = await readFile(await download.path(), 'utf8')
    assert.equal(csv.split('\r\n').filter(Boolean).length, 13, 'a header and 12 attendees')
    assert.match(await rows.first().textContent(), /Guest 01/)
    await screenshot(page, 'attendees')
    await page.getByRole('navigation', { name: 'Attendee pages' }).getByRole('button', { name: /Next/ }).click()
    await eventually(async () => (await rows.count()) === 2, 'two attendees on page 2')
    assert.match(await rows.last().textContent(), /Guest 12/)

    // A new booking shows up without a reload.
    await env.api.book(eventId, 'Guest 13', `guest13.${runId}@example.com`)
    await eventually(async () => (await page.getByTestId('attendees-total').textContent()) === '13 attendees', 'thirteen attendees')
  })

  test('works on a phone-sized screen', async () => {
    const phone = await openPage(env.browser, { viewport: PHONE })
    // Another tab: sign in again (the session is per tab).
    await phone.page.goto(`${env.url}/app/signin`)
    await phone.page.getByLabel('Username or e-mail').fill(`maya.${runId}@example.com`)
    await phone.page.getByLabel('Password').fill(password)
    await phone.page.getByRole('button', { name: 'Sign in' }).click()
    await phone.page.locator('.own-event', { hasText: title }).waitFor()
    assert.equal(await overflowsHorizontally(phone.page), false)
    await screenshot(phone.page, 'organizer-phone')
    await phone.page.goto(`${env.url}/app/organizer/events/${eventId}/edit`)
    await phone.page.getByLabel('Title').waitFor()
    assert.equal(await overflowsHorizontally(phone.page), false)
    assert.deepEqual(phone.problems(), [])
    await phone.context.close()
  })

  test('deletes the event, signs out, and a wrong password is refused', async () => {
    const { page } = organizer
    await page.goto(`${env.url}/app/organizer`)
    const row = page.locator('.own-event', { hasText: title })
    await row.getByRole('button', { name: `Delete ${title} #2` }).click()
    await row.getByRole('button', { name: 'Yes, delete' }).click()
    await page.getByText(`“${title} #2” was deleted, with its bookings.`).waitFor()
    await eventually(async () => (await page.locator('.own-event', { hasText: title }).count()) === 0, 'row gone')
    assert.equal((await env.api.call('GET', `/events/${eventId}`)).status, 404)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('link', { name: 'Organizer sign in' }).waitFor()
    assert.equal(await page.evaluate(() => sessionStorage.getItem('boxoffice.session')), null)

    // Organizer pages need a session: back to sign in.
    await page.goto(`${env.url}/app/organizer`)
    await page.getByRole('heading', { name: 'Organizer sign in' }).waitFor()
    await page.getByLabel('Username or e-mail').fill(username)
    await page.getByLabel('Password').fill('Wr0ng!pass')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Wrong username, e-mail or password.').waitFor()
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Organizer', exact: true }).waitFor()
    // History: the notifications of this account, newest first, from GET /notifications.
    await eventually(async () => (await page.getByTestId('notifications').textContent()).includes(`deleted “${title} #2”`), 'history')
    assert.deepEqual(organizer.problems(), [])
  })
})

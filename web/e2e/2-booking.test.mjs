// Attendee side, booking: book until the event is full, while a second browser watches the
// seat count drop live; join the waitlist; cancel and see the seat go to the first in line;
// the refusals.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PHONE, eventually, openPage, runId, screenshot, setUp } from './harness.mjs'

let env
let organizer

before(async () => {
  env = await setUp()
  organizer = await env.api.organizer('booking')
})

after(async () => {
  await env?.close()
})

function seatsText(page) {
  return page.getByTestId('seats-available').textContent()
}

async function book(page, name, email) {
  await page.getByLabel('Your name').fill(name)
  await page.getByLabel('E-mail').fill(email)
  await page.getByRole('button', { name: 'Book a seat' }).click()
}

describe('booking seats', () => {
  test('book until full, watched live from a second browser, join the waitlist, then cancel', async () => {
    const event = await env.api.createEvent(organizer.token, {
      title: `Rooftop Jazz ${runId}`,
      description: 'Three seats on the roof, with a view.',
      location: 'Mumbai',
      capacity: 3,
      tags: ['jazz', 'music'],
    })
    const attendee = await openPage(env.browser)
    const watcher = await openPage(env.browser, { viewport: PHONE })
    const page = attendee.page
    await page.goto(`${env.url}/app/events/${event.id}`)
    await watcher.page.goto(`${env.url}/app/events/${event.id}`)
    for (const p of [page, watcher.page]) {
      await eventually(async () => /3 of 3 seats left/.test(await seatsText(p)), 'three seats left')
      await p.locator('.live-badge').waitFor()
    }

    const people = [
      ['Asha Rao', `asha.${runId}@example.com`],
      ['Ravi Kumar', `ravi.${runId}@example.com`],
      ['Meera Iyer', `meera.${runId}@example.com`],
    ]
    for (const [i, [name, email]] of people.entries()) {
      await book(page, name, email)
      await page.getByText('You’re booked!').waitFor()
      assert.ok((await page.locator('.alert-success').textContent()).includes(`${name} (${email})`))
      const left = 2 - i
      const expected = left === 0 ? /Sold out/ : new RegExp(`${left} of 3 seats left`)
      // The second browser was not reloaded: its count comes over the WebSocket.
      await eventually(async () => expected.test(await seatsText(watcher.page)), `watcher sees ${left} left`)
      await eventually(async () => expected.test(await seatsText(page)), `booker sees ${left} left`)
      if (i === 0) await screenshot(page, 'event-booked')
    }
    assert.match(await page.locator('.event-side').textContent(), /sold out/i)

    // Sold out: the page offers the waitlist instead of a booking form that could only fail.
    assert.equal(await page.getByRole('button', { name: 'Book a seat' }).count(), 0)
    await page.getByLabel('Your name').fill('Late Comer')
    await page.getByLabel('E-mail').fill(`late.${runId}@example.com`)
    await page.getByRole('button', { name: 'Join the waitlist' }).click()
    await page.getByText('You are on the waitlist').waitFor()
    assert.equal(await page.getByTestId('waitlist-position').textContent(), 'You are next in line.')
    await screenshot(page, 'event-full')
    await screenshot(watcher.page, 'event-full-phone')

    // My bookings: the three bookings of this browser, with their cancel tokens.
    await page.getByRole('link', { name: 'My bookings' }).first().click()
    await page.getByRole('heading', { name: 'My bookings' }).waitFor()
    const cards = page.locator('.booking-card')
    await eventually(async () => (await cards.count()) === 3, 'three bookings listed')
    await eventually(async () => (await page.getByTestId('booking-status').count()) === 3, 'statuses loaded')
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('boxoffice.bookings')))
    assert.equal(stored.length, 3)
    assert.ok(stored.every((b) => typeof b.cancel_token === 'string' && b.cancel_token.length >= 40))
    await screenshot(page, 'bookings')

    const ravi = cards.filter({ hasText: 'Ravi Kumar' })
    await ravi.getByRole('button', { name: 'Cancel booking' }).click()
    await ravi.getByRole('button', { name: 'Yes, cancel it' }).click()
    await eventually(async () => (await ravi.getByTestId('booking-status').textContent()) === 'Cancelled', 'cancelled')
    assert.match(await ravi.textContent(), /seat is given back/)
    // The seat went straight to the first in line: never free, still sold out.
    assert.equal((await env.api.event(event.id)).seats_available, 0)
    assert.match(await seatsText(watcher.page), /Sold out/)
    await page.goto(`${env.url}/app/events/${event.id}`)
    await page.getByText('A seat freed up: you’re booked!').waitFor()
    await screenshot(page, 'waitlist-promoted')
    await page.goBack()

    // The list survives a reload (localStorage), and the cancelled one can be removed.
    await page.reload()
    await eventually(async () => (await page.getByTestId('booking-status').count()) === 3, 'statuses after reload')
    await ravi.getByRole('button', { name: 'Remove from this list' }).click()
    await eventually(async () => (await cards.count()) === 2, 'two left in the list')

    assert.deepEqual(attendee.problems(), [])
    assert.deepEqual(watcher.problems(), [])
    await attendee.context.close()
    await watcher.context.close()
  })

  test('an event without a seat limit or an end says so and takes bookings', async () => {
    const event = await env.api.createEvent(organizer.token, { title: `Open Mic ${runId}`, capacity: null, end_time: null })
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/events/${event.id}`)
    const seats = page.getByTestId('seats-available')
    await seats.getByText('Unlimited seats').waitFor()
    assert.equal(await page.getByRole('meter', { name: 'Seats booked' }).count(), 0)
    await book(page, 'Lena Ortiz', `lena.${runId}@example.com`)
    await page.getByText('You’re booked!').waitFor()
    await eventually(async () => /1 booked/.test((await seats.textContent()) ?? ''), 'one booked, shown live')
    assert.equal((await env.api.event(event.id)).seats_booked, 1)
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('a held seat counts down, counts against the seats, and is booked with the hold', async () => {
    const event = await env.api.createEvent(organizer.token, { title: `Tasting Menu ${runId}`, capacity: 2 })
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/events/${event.id}`)
    await page.getByRole('button', { name: 'Hold a seat while you fill this in' }).click()
    const countdown = page.getByTestId('hold-countdown')
    await countdown.waitFor()
    assert.match(await countdown.textContent(), /held for (10:00|9:5\d)/)
    await eventually(async () => /1 of 2 seats left/.test(await seatsText(page)), 'the held seat is taken live')
    assert.equal((await env.api.event(event.id)).seats_available, 1)
    await screenshot(page, 'event-hold')
    await book(page, 'Ines Costa', `ines.${runId}@example.com`)
    await page.getByText('You’re booked!').waitFor()
    assert.equal(await countdown.count(), 0)
    const after = await env.api.event(event.id)
    assert.equal(after.seats_booked, 1)
    assert.equal(after.seats_available, 1)
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('the same e-mail twice is refused as already booked', async () => {
    const event = await env.api.createEvent(organizer.token, { title: `Pottery Class ${runId}`, capacity: 5 })
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/events/${event.id}`)
    await book(page, 'Nisha Patel', `nisha.${runId}@example.com`)
    await page.getByText('You’re booked!').waitFor()
    await book(page, 'Nisha Patel', `NISHA.${runId}@example.com`)
    const refusal = page.getByRole('alert')
    await refusal.waitFor()
    assert.match(await refusal.textContent(), /Already booked/)
    assert.match(await refusal.textContent(), /already holds a seat/)
    assert.equal((await env.api.event(event.id)).seats_booked, 1)
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('form checks, a cancelled event and a network failure are explained', async () => {
    const event = await env.api.createEvent(organizer.token, { title: `Book Club ${runId}`, capacity: 10 })
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/events/${event.id}`)

    // Checked before sending, next to the fields.
    await page.getByRole('button', { name: 'Book a seat' }).click()
    await page.getByText('Enter your name.').waitFor()
    assert.equal(await page.getByLabel('Your name').getAttribute('aria-invalid'), 'true')
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name')
    await page.getByLabel('Your name').fill('Tom')
    await page.getByLabel('E-mail').fill('not-an-address')
    await page.getByRole('button', { name: 'Book a seat' }).click()
    await page.getByText('Enter a valid e-mail address').waitFor()

    // No answer from the server: a network error, and nothing booked.
    await page.route('**/events/*/book', (route) => route.abort('internetdisconnected'))
    await book(page, 'Tom Hardy', `tom.${runId}@example.com`)
    const offline = page.getByRole('alert')
    await offline.waitFor()
    assert.match(await offline.textContent(), /Network error/)
    assert.match(await offline.textContent(), /Could not reach Boxoffice/)
    await page.unroute('**/events/*/book')

    // The organizer cancels the event while the page is open: the server refuses.
    const cancelled = await env.api.call('PATCH', `/events/${event.id}`, {
      token: organizer.token,
      body: { status: 'canceled' },
    })
    assert.equal(cancelled.status, 200)
    await book(page, 'Tom Hardy', `tom.${runId}@example.com`)
    await eventually(async () => /Not taking bookings/.test((await page.getByRole('alert').textContent()) ?? ''), 'refusal')
    assert.match(await page.getByRole('alert').textContent(), /not taking bookings/)

    // Loaded afresh, the page says so instead of offering the form.
    await page.reload()
    await page.getByText('This event was cancelled.').waitFor()
    assert.equal(await page.getByLabel('Your name').count(), 0)
    assert.deepEqual(problems(), [])
    await context.close()
  })
})

// Attendee side, browsing: the list, search, country and tag filters, pagination, the
// time-zone selector, on a desktop and a phone-sized screen.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { PHONE, eventually, openPage, overflowsHorizontally, runId, screenshot, setUp } from './harness.mjs'

let env
let organizer

before(async () => {
  env = await setUp()
  organizer = await env.api.organizer('browse')
})

after(async () => {
  await env?.close()
})

/** The titles of the event cards on the page, in order. */
async function titles(page) {
  return page.locator('.event-card-title').allTextContents()
}

describe('browsing events', () => {
  test('the home page lists upcoming events with seats left', async () => {
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/`)
    // GET / sends a browser to the app.
    assert.match(page.url(), /\/app\/$/)
    await page.getByRole('heading', { name: 'Find your next event' }).waitFor()
    await page.getByRole('link', { name: 'RustConf India' }).waitFor()
    assert.ok((await titles(page)).includes('Jazz Night'))
    assert.match(await page.getByTestId('results-count').textContent(), /\d+ events?/)
    await screenshot(page, 'events')
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('search, country and tag filters narrow the list', async () => {
    const tag = `fado${runId}`
    await env.api.createEvent(organizer.token, {
      title: `Lisbon Fado Night ${runId}`,
      description: 'Guitars and voices in Alfama.',
      location: 'Lisbon',
      country: 'PT',
      timezone: 'Europe/Lisbon',
      tags: [tag, 'music'],
    })
    await env.api.createEvent(organizer.token, {
      title: `Porto Fado Matinee ${runId}`,
      location: 'Porto',
      country: 'PT',
      timezone: 'Europe/Lisbon',
      tags: ['music'],
    })
    await env.api.createEvent(organizer.token, {
      title: `Fado in Paris ${runId}`,
      location: 'Paris',
      country: 'FR',
      timezone: 'Europe/Paris',
      tags: [tag],
    })

    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/`)
    await page.getByLabel('Search', { exact: true }).fill(`fado`)
    await page.getByLabel('Search', { exact: true }).press('Enter')
    // The unfiltered first page may already show the three fado events: wait for the filtered list.
    await eventually(async () => {
      const shown = await titles(page)
      return shown.every((t) => /fado/i.test(t)) && shown.filter((t) => t.endsWith(runId)).length === 3
    }, 'only the three fado events')
    assert.match(page.url(), /[?&]q=fado/)

    await page.getByLabel('Country').selectOption('PT')
    await eventually(async () => {
      const shown = await titles(page)
      return shown.length === 2 && shown.every((t) => !t.includes('Paris'))
    }, 'two events in Portugal')
    assert.match(page.url(), /country=PT/)

    await page.getByLabel('Tag').fill(tag)
    await page.getByLabel('Tag').press('Enter')
    await eventually(async () => {
      const shown = await titles(page)
      return shown.length === 1 && shown[0] === `Lisbon Fado Night ${runId}`
    }, 'one event with the tag in Portugal')
    await screenshot(page, 'events-filtered')

    // The filters live in the address: a reload shows the same list.
    await page.reload()
    await eventually(async () => (await titles(page)).length === 1, 'same list after reload')
    assert.equal(await page.getByLabel('Tag').inputValue(), tag)

    await page.getByRole('button', { name: 'Clear' }).click()
    await eventually(async () => (await titles(page)).length >= 4, 'all events again')
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('pagination walks through every page', async () => {
    const tag = `page${runId}`
    for (let i = 1; i <= 12; i++) {
      await env.api.createEvent(organizer.token, {
        title: `Paged Workshop ${String(i).padStart(2, '0')} ${runId}`,
        tags: [tag],
        start_time: `2027-06-${String(i).padStart(2, '0')}T10:00:00`,
        end_time: `2027-06-${String(i).padStart(2, '0')}T12:00:00`,
      })
    }
    const { page, context } = await openPage(env.browser)
    await page.goto(`${env.url}/app/?tag=${tag}`)
    await eventually(async () => (await titles(page)).length === 10, 'ten events on page 1')
    assert.equal(await page.getByTestId('results-count').textContent(), '12 events')
    assert.equal((await titles(page))[0], `Paged Workshop 01 ${runId}`)
    const pages = page.getByRole('navigation', { name: 'Event pages' })
    assert.match(await pages.textContent(), /Page 1 of 2/)
    assert.ok(await pages.getByRole('button', { name: /Previous/ }).isDisabled())

    await pages.getByRole('button', { name: /Next/ }).click()
    await eventually(async () => (await titles(page)).length === 2, 'two events on page 2')
    assert.deepEqual(await titles(page), [`Paged Workshop 11 ${runId}`, `Paged Workshop 12 ${runId}`])
    assert.match(await pages.textContent(), /Page 2 of 2/)
    assert.ok(await pages.getByRole('button', { name: /Next/ }).isDisabled())
    assert.match(page.url(), /page=2/)

    await pages.getByRole('button', { name: /Previous/ }).click()
    await eventually(async () => (await titles(page)).length === 10, 'back on page 1')
    await context.close()
  })

  test('the time-zone selector re-renders every time shown', async () => {
    const event = await env.api.createEvent(organizer.token, {
      title: `Zoned Meetup ${runId}`,
      timezone: 'Asia/Kolkata',
      start_time: '2027-01-15T18:30:00',
      end_time: '2027-01-15T20:00:00',
    })
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/events/${event.id}`)
    const start = page.getByTestId('event-start')
    await start.waitFor()
    // Default: the event's own zone, as the server rendered it.
    assert.equal(await start.getAttribute('datetime'), '2027-01-15T18:30:00+05:30')
    assert.match(await start.textContent(), /18:30/)
    // "Add to calendar" is the event's iCalendar file, in the event's own zone.
    const calendar = page.getByRole('link', { name: 'Add to calendar' })
    assert.equal(await calendar.getAttribute('href'), `/events/${event.id}.ics`)
    const ics = await page.request.get(`${env.url}/events/${event.id}.ics`)
    assert.match(await ics.text(), /\r\nDTSTART;TZID=Asia\/Kolkata:20270115T183000\r\n/)

    await page.getByLabel('Times in').selectOption('America/New_York')
    await eventually(async () => (await start.getAttribute('datetime')) === '2027-01-15T08:00:00-05:00', 'New York time')
    assert.match(await start.textContent(), /08:00/)
    assert.match(await page.locator('.facts').textContent(), /Shown in America\/New York/)

    // The choice is kept, and applies to the list too.
    await page.goto(`${env.url}/app/?q=${encodeURIComponent(`Zoned Meetup ${runId}`)}`)
    const when = page.locator('.event-card-when time')
    await when.waitFor()
    assert.equal(await when.getAttribute('datetime'), '2027-01-15T08:00:00-05:00')
    assert.match(await when.textContent(), /08:00/)

    await page.getByLabel('Times in').selectOption('UTC')
    await eventually(async () => (await when.getAttribute('datetime')) === '2027-01-15T13:00:00+00:00', 'UTC')
    assert.match(await when.textContent(), /13:00/)

    await page.getByLabel('Times in').selectOption('')
    await eventually(async () => (await when.getAttribute('datetime')) === '2027-01-15T18:30:00+05:30', 'own zone again')
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('on a phone-sized screen nothing scrolls sideways', async () => {
    const { page, context, problems } = await openPage(env.browser, { viewport: PHONE })
    await page.goto(`${env.url}/app/`)
    await page.getByRole('link', { name: 'RustConf India' }).waitFor()
    assert.equal(await overflowsHorizontally(page), false)
    await screenshot(page, 'events-phone')
    await page.getByRole('link', { name: 'Event A' }).click()
    await page.getByLabel('Your name').waitFor()
    assert.equal(await overflowsHorizontally(page), false)
    await screenshot(page, 'event-phone')
    assert.deepEqual(problems(), [])
    await context.close()
  })
})

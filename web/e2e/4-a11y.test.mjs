// Accessibility basics in the real browser: a label for every form control, a visible
// focus ring, the pages usable with the keyboard alone, headers and the served page.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { openPage, runId, setUp } from './harness.mjs'

let env
let event

before(async () => {
  env = await setUp()
  const organizer = await env.api.organizer('a11y')
  event = await env.api.createEvent(organizer.token, { title: `Keyboard Concert ${runId}`, capacity: 5 })
})

after(async () => {
  await env?.close()
})

/** Form controls without an accessible name (label, aria-label or aria-labelledby). */
function unlabelled(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 80)),
  )
}

/** The focused element and whether it shows a focus ring (outline or box-shadow). */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return null
    // A card shows the ring of the link that covers it.
    const shown = [el, el.closest('.event-card')].filter(Boolean)
    const ring = shown.some((node) => {
      const style = getComputedStyle(node)
      return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none'
    })
    return { tag: el.tagName.toLowerCase(), text: (el.textContent || el.getAttribute('aria-label') || el.id).trim(), ring }
  })
}

describe('accessibility', () => {
  test('every form control has a label', async () => {
    const { page, context } = await openPage(env.browser)
    const pages = [
      ['/app/', 'Find your next event'],
      [`/app/events/${event.id}`, `Keyboard Concert ${runId}`],
      ['/app/bookings', 'My bookings'],
      ['/app/signin', 'Organizer sign in'],
      ['/app/signup', 'Create an organizer account'],
      ['/app/magic', 'Find my bookings'],
    ]
    for (const [path, heading] of pages) {
      await page.goto(env.url + path)
      await page.getByRole('heading', { name: heading }).first().waitFor()
      assert.deepEqual(await unlabelled(page), [], `unlabelled controls on ${path}`)
    }
    // The organizer's form, signed in.
    const organizer = await env.api.organizer('labels')
    await page.goto(`${env.url}/app/signin`)
    await page.getByLabel('Username or e-mail').fill(organizer.username)
    await page.getByLabel('Password').fill(organizer.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: 'New event' }).click()
    await page.getByLabel('Title').waitFor()
    assert.deepEqual(await unlabelled(page), [], 'unlabelled controls on the event form')
    await page.locator('.site-footer').getByRole('link', { name: 'Notification preferences' }).click()
    await page.getByLabel('Push to my phone').waitFor()
    assert.deepEqual(await unlabelled(page), [], 'unlabelled controls on the preferences')
    await context.close()
  })

  test('a visitor books a seat with the keyboard alone, always seeing where the focus is', async () => {
    const { page, context, problems } = await openPage(env.browser)
    await page.goto(`${env.url}/app/`)
    await page.getByRole('heading', { name: 'Find your next event' }).waitFor()

    // The first Tab reaches the skip link, which leads to the content.
    await page.keyboard.press('Tab')
    let now = await focused(page)
    assert.equal(now.text, 'Skip to content')
    assert.ok(now.ring, 'skip link shows focus')
    await page.keyboard.press('Enter')

    // Tab to the search field, type, Enter.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      now = await focused(page)
      assert.ok(now, 'something has the focus')
      assert.ok(now.ring, `focus ring on ${now.tag} ${now.text}`)
      if (now.tag === 'input' && now.text === 'filter-q') break
    }
    assert.equal(now.text, 'filter-q', 'search field reached by Tab')
    await page.keyboard.type('Keyboard Concert')
    await page.keyboard.press('Enter')
    // Tab on only once the list shows the search's results, however long the server takes:
    // tabbing into the earlier list while it is replaced leaves the focus on a removed link.
    await page.waitForFunction(() => {
      const results = document.querySelector('section[aria-labelledby="results-heading"]')
      const titles = [...document.querySelectorAll('.event-card-title')].map((t) => t.textContent)
      return (
        new URL(location.href).searchParams.get('q') === 'Keyboard Concert' &&
        results?.getAttribute('aria-busy') === 'false' &&
        titles.length > 0 &&
        titles.every((t) => t.includes('Keyboard Concert'))
      )
    })
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'filter-q', 'the search field keeps the focus')

    // Tab on to the event's link and open it with Enter.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      now = await focused(page)
      assert.ok(now.ring, `focus ring on ${now.tag} ${now.text}`)
      if (now.tag === 'a' && now.text === `Keyboard Concert ${runId}`) break
    }
    assert.equal(now.text, `Keyboard Concert ${runId}`)
    await page.keyboard.press('Enter')
    await page.getByLabel('Your name').waitFor()

    // Fill in the booking form by tabbing into it.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      now = await focused(page)
      if (now?.tag === 'input') break
    }
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'name')
    await page.keyboard.type('Kim Lee')
    await page.keyboard.press('Tab')
    await page.keyboard.type(`kim.${runId}@example.com`)
    await page.keyboard.press('Enter')
    await page.getByText('You’re booked!').waitFor()
    assert.deepEqual(problems(), [])
    await context.close()
  })

  test('the app is served with its own security policy and caching', async () => {
    const index = await fetch(`${env.url}/app/`)
    assert.equal(index.status, 200)
    assert.match(index.headers.get('content-type'), /^text\/html/)
    assert.equal(index.headers.get('cache-control'), 'no-cache')
    const csp = index.headers.get('content-security-policy')
    assert.match(csp, /script-src 'self'/)
    assert.match(csp, /connect-src 'self' ws: wss:/)
    const html = await index.text()
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)[1]
    const asset = await fetch(env.url + script)
    assert.equal(asset.status, 200)
    assert.match(asset.headers.get('content-type'), /javascript/)
    assert.match(asset.headers.get('cache-control'), /immutable/)

    // Client-side routes get the page; a missing file does not.
    const deep = await fetch(`${env.url}/app/events/${event.id}/`)
    assert.equal(deep.status, 200)
    assert.match(await deep.text(), /<div id="root">/)
    const missing = await fetch(`${env.url}/app/assets/missing-123.js`)
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-type'), 'application/problem+json')

    // The API keeps its strict policy.
    const api = await fetch(`${env.url}/events`)
    assert.equal(api.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'")
  })
})

// Shared set-up of the browser tests: a real `boxoffice serve` (the one scripts/test-web.sh
// started, named by BOXOFFICE_URL with its data directory in BOXOFFICE_DATA_DIR, or one
// started here on a free port over a fresh SQLite file), Debian's Chromium driven by
// playwright-core, screenshots, and API helpers for the data a test needs before it opens
// a page.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '../..')
export const screenshotDir = process.env.BOXOFFICE_SCREENSHOT_DIR ?? join(repoRoot, 'target/web-e2e')

/** A short random suffix that keeps this run's data apart from other runs and files. */
export const runId = randomBytes(3).toString('hex')

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

export const PHONE = { width: 390, height: 844 }
export const DESKTOP = { width: 1280, height: 860 }

/** Starts (or reuses) the server and the browser; call `close()` when done. */
export async function setUp() {
  const server = process.env.BOXOFFICE_URL
    ? { url: process.env.BOXOFFICE_URL, dataDir: process.env.BOXOFFICE_DATA_DIR, stop: async () => {} }
    : await startServer()
  // launch() gives Chromium a new, empty user data directory of its own every time.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  })
  mkdirSync(screenshotDir, { recursive: true })
  return {
    url: server.url,
    /** The server's data directory (e-mail is written to its mail/ folder), if known. */
    dataDir: server.dataDir,
    browser,
    api: new Api(server.url),
    async close() {
      await browser.close()
      await server.stop()
    },
  }
}

async function startServer() {
  const bin = process.env.BOXOFFICE_BIN ?? join(repoRoot, 'target/debug/boxoffice')
  const dir = mkdtempSync(join(tmpdir(), 'boxoffice-e2e-'))
  const database = `sqlite://${dir}/e2e.db`
  // The sample events of db/seed_data.sql, as scripts/test-web.sh loads them.
  const seeded = spawnSync(bin, ['seed', '--database-url', database], { stdio: 'inherit' })
  if (seeded.status !== 0) throw new Error(`boxoffice seed exited with ${seeded.status}`)
  const child = spawn(
    bin,
    ['serve', '--port', '0', '--database-url', database, '--data-dir', dir, '--login-attempts-per-minute', '10000'],
    {
      // The webhook test's receiver listens on loopback.
      env: { ...process.env, BCRYPT_COST: '4', RUST_LOG: 'warn', WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise((resolveUrl, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('boxoffice serve did not print its address in 30 s')), 30_000)
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /Boxoffice listening on (http:\/\/\S+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolveUrl(match[1])
      }
    })
    child.on('exit', (code) => reject(new Error(`boxoffice serve exited with ${code}`)))
  })
  return {
    url,
    dataDir: dir,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A page whose uncaught errors and Content-Security-Policy violations are collected:
 * `problems()` must be empty at the end of a test.
 */
export async function openPage(browser, { viewport = DESKTOP, timezoneId = 'Europe/Paris', locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport, timezoneId, locale, reducedMotion: 'reduce' })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const problems = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`)
    }
  })
  return { context, page, problems: () => problems }
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  // From the top, so the sticky header sits where it belongs in a full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage })
}

/** True when the page is wider than its viewport (something would scroll sideways). */
export async function overflowsHorizontally(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
}

/** A wall-clock time `days` from now, as datetime-local text (HH:00). */
export function localInput(days, hour) {
  const d = new Date(Date.now() + days * 86_400_000)
  const pad = (n) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(hour)}:00`
}

/** Plain HTTP calls for setting up data; the tests check what the browser shows. */
export class Api {
  constructor(url) {
    this.url = url
  }

  async call(method, path, { body, token, headers = {} } = {}) {
    const response = await fetch(this.url + path, {
      method,
      headers: {
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await response.text()
    const data = text ? JSON.parse(text) : null
    return { status: response.status, data }
  }

  /** A new organizer account, signed in: { username, password, token }. */
  async organizer(prefix = 'org') {
    const username = `${prefix}_${runId}_${randomBytes(2).toString('hex')}`
    const password = 'Str0ng!pass'
    const created = await this.call('POST', '/auth/register', {
      body: { email: `${username}@example.com`, username, password },
    })
    if (created.status !== 201) throw new Error(`register: ${created.status} ${JSON.stringify(created.data)}`)
    const login = await this.call('POST', '/auth/login', { body: { username, password } })
    if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.data)}`)
    return { username, password, token: login.data.access_token }
  }

  async createEvent(token, event) {
    const body = {
      location: 'Pune',
      country: 'IN',
      timezone: 'Asia/Kolkata',
      start_time: `${localInput(30, 18)}:00`,
      end_time: `${localInput(30, 21)}:00`,
      capacity: 50,
      ...event,
    }
    const created = await this.call('POST', '/events', { body, token })
    if (created.status !== 201) throw new Error(`create event: ${created.status} ${JSON.stringify(created.data)}`)
    return created.data
  }

  async event(id) {
    return (await this.call('GET', `/events/${id}`)).data
  }

  async book(eventId, name, email) {
    return this.call('POST', `/events/${eventId}/book`, { body: { name, email } })
  }
}

/** Waits until `check()` is truthy (polling), or fails with `message`. */
export async function eventually(check, message, timeout = 5000) {
  const until = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out: ${message}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// The API client: the generated typescript-axios classes (src/api) on one Axios instance
// that talks to the server the app was loaded from, adds the signed-in user's token and
// the chosen time zone.
import axios from 'axios'
import {
  AttendeesApi,
  AuthApi,
  BookingsApi,
  Configuration,
  DoorApi,
  EventsApi,
  NotificationsApi,
  WebhooksApi,
} from '../api'

let timeZone: string | null = null

/** The zone the server renders times in (`X-Timezone`); null: each event's own zone. */
export function setRequestTimeZone(zone: string | null) {
  timeZone = zone
}

export const http = axios.create({ timeout: 15000 })

http.interceptors.request.use((config) => {
  if (timeZone && !config.headers.has('X-Timezone')) {
    config.headers.set('X-Timezone', timeZone)
  }
  return config
})

// Same origin: '' makes every path relative to the page's server (the spec's own
// `servers` entry names 127.0.0.1:8000, which is only right for a local default run).
const configuration = new Configuration({ basePath: '' })

/**
 * The bearer token sent to operations that accept one. Signed out, none is sent at all
 * (an empty `Bearer` would be refused as an invalid token).
 */
export function setAccessToken(token: string | null) {
  configuration.accessToken = token ?? undefined
}

export const eventsApi = new EventsApi(configuration, '', http)
export const bookingsApi = new BookingsApi(configuration, '', http)
export const authApi = new AuthApi(configuration, '', http)
export const notificationsApi = new NotificationsApi(configuration, '', http)
export const attendeesApi = new AttendeesApi(configuration, '', http)
export const doorApi = new DoorApi(configuration, '', http)
export const webhooksApi = new WebhooksApi(configuration, '', http)

/** A random key for `Idempotency-Key`, also outside secure contexts. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID()
  }
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

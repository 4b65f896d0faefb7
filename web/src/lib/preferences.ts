// Notification preferences as the form edits them, and the request that saves them
// (`PUT /me/notification-preferences` wants every channel; the language only when chosen).
import type { NotificationPreferencesUpdate, NotificationPreferencesView, PreferenceHolder } from '../api'

/** The languages messages are written in (the server's templates); other tags get English. */
export const LANGUAGES: ReadonlyArray<readonly [code: string, name: string]> = [
  ['en', 'English'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['es', 'Español'],
  ['hi', 'हिन्दी'],
]

export type Channel = 'email' | 'push' | 'websocket'

/**
 * The channels a holder can receive on: push (registered phones) and live WebSocket
 * notifications reach signed-in users only; attendees hear by e-mail.
 */
export function channelsOf(holder: PreferenceHolder): Channel[] {
  return holder === 'user' ? ['email', 'push', 'websocket'] : ['email']
}

export interface PreferencesForm {
  email: boolean
  push: boolean
  websocket: boolean
  /** A language tag, or '' while a user has not chosen one (English). */
  locale: string
}

export function formOf(view: NotificationPreferencesView): PreferencesForm {
  return { email: view.email, push: view.push, websocket: view.websocket, locale: view.locale ?? '' }
}

/** Every channel (those not shown keep their stored value); no locale keeps the stored one. */
export function updateOf(form: PreferencesForm): NotificationPreferencesUpdate {
  const update: NotificationPreferencesUpdate = { email: form.email, push: form.push, websocket: form.websocket }
  if (form.locale) update.locale = form.locale
  return update
}

export interface LanguageOption {
  value: string
  label: string
}

/**
 * The language choices: the written languages, and the current tag when it is another
 * (a regional one such as `fr-CA`, or a language written in English), so it stays shown.
 */
export function languageOptions(current: string): LanguageOption[] {
  const options: LanguageOption[] = LANGUAGES.map(([value, label]) => ({ value, label }))
  if (!current) return [{ value: '', label: 'Not chosen (English)' }, ...options]
  if (LANGUAGES.some(([code]) => code === current)) return options
  const base = current.split(/[-_]/)[0].toLowerCase()
  const written = LANGUAGES.find(([code]) => code === base)
  const label = written ? `${written[1]} (${current})` : `${current} (written in English)`
  return [{ value: current, label }, ...options]
}

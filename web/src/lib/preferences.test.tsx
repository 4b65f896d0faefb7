import { describe, expect, it } from 'vitest'
import { channelsOf, formOf, languageOptions, updateOf } from './preferences'

describe('notification preferences', () => {
  it('offers push and live notifications to signed-in users only', () => {
    expect(channelsOf('user')).toEqual(['email', 'push', 'websocket'])
    expect(channelsOf('attendee')).toEqual(['email'])
  })

  it('sends every channel, and a language only once one is chosen', () => {
    const form = formOf({ holder: 'user', email: false, push: true, websocket: true, locale: null })
    expect(form.locale).toBe('')
    expect(updateOf(form)).toEqual({ email: false, push: true, websocket: true })
    expect(updateOf({ ...form, locale: 'de' })).toEqual({ email: false, push: true, websocket: true, locale: 'de' })
  })

  it('lists the written languages and keeps another stored tag shown', () => {
    const codes = (current: string) => languageOptions(current).map((o) => o.value)
    expect(codes('fr')).toEqual(['en', 'fr', 'de', 'es', 'hi'])
    expect(codes('')).toEqual(['', 'en', 'fr', 'de', 'es', 'hi'])
    expect(languageOptions('')[0].label).toBe('Not chosen (English)')
    expect(languageOptions('fr-CA')[0]).toEqual({ value: 'fr-CA', label: 'Français (fr-CA)' })
    expect(languageOptions('pt-BR')[0]).toEqual({ value: 'pt-BR', label: 'pt-BR (written in English)' })
  })
})

import { describe, expect, it } from 'vitest'
import { describePosition, forgetPlace, loadPlaces, placeForEvent, rememberPlace } from '../lib/waitlist'

describe('waitlist places', () => {
  it('names the place in line', () => {
    expect(describePosition(1)).toBe('You are next in line')
    expect(describePosition(2)).toBe('You are 2nd in line')
    expect(describePosition(3)).toBe('You are 3rd in line')
    expect(describePosition(4)).toBe('You are 4th in line')
    expect(describePosition(11)).toBe('You are 11th in line')
    expect(describePosition(22)).toBe('You are 22nd in line')
    expect(describePosition(113)).toBe('You are 113th in line')
  })

  it('keeps places per event in this browser, newest first', () => {
    localStorage.clear()
    rememberPlace({ id: 1, event_id: 7, token: 'a' })
    rememberPlace({ id: 2, event_id: 8, token: 'b' })
    rememberPlace({ id: 3, event_id: 7, token: 'c' })
    expect(placeForEvent(7)?.id).toBe(3)
    forgetPlace(3)
    expect(placeForEvent(7)?.id).toBe(1)
    expect(loadPlaces()).toHaveLength(2)
    localStorage.setItem('boxoffice.waitlist', 'not json')
    expect(loadPlaces()).toEqual([])
  })
})

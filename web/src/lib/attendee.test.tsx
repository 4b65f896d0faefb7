import { beforeEach, describe, expect, it, vi } from 'vitest'
import { problem } from '../test/problems'
import { forgetAttendee, loadAttendee, redeemSignInLink, rememberAttendee } from './attendee'

const redeemMagicLink = vi.fn()
vi.mock('./api', () => ({
  attendeesApi: { redeemMagicLink: (...args: unknown[]) => redeemMagicLink(...args) },
}))

describe('the attendee of this browser', () => {
  beforeEach(() => {
    redeemMagicLink.mockReset()
  })

  it('is kept in localStorage, and anything else found there is ignored', () => {
    expect(loadAttendee()).toBeNull()
    rememberAttendee({ attendeeId: 7, token: 'tok' })
    expect(loadAttendee()).toEqual({ attendeeId: 7, token: 'tok' })
    forgetAttendee()
    expect(loadAttendee()).toBeNull()
    for (const junk of ['{', '"x"', '{"attendeeId":"7","token":"t"}', '{"attendeeId":7,"token":""}']) {
      localStorage.setItem('boxoffice.attendee', junk)
      expect(loadAttendee()).toBeNull()
    }
  })

  it('redeems a link once even when asked twice, and keeps the token it yields', async () => {
    redeemMagicLink.mockResolvedValue({ data: { attendee_id: 9, token: 'fresh', token_type: 'attendee' } })
    const [first, second] = await Promise.all([redeemSignInLink('link-1'), redeemSignInLink('link-1')])
    expect(first).toEqual({ attendeeId: 9, token: 'fresh' })
    expect(second).toBe(first)
    expect(redeemMagicLink).toHaveBeenCalledTimes(1)
    expect(redeemMagicLink).toHaveBeenCalledWith({ token: 'link-1' })
    expect(loadAttendee()).toEqual({ attendeeId: 9, token: 'fresh' })
  })

  it('asks again after a failure, and keeps nothing from it', async () => {
    redeemMagicLink.mockRejectedValueOnce(problem(401, 'magic_link_invalid'))
    await expect(redeemSignInLink('link-2')).rejects.toThrow()
    expect(loadAttendee()).toBeNull()
    redeemMagicLink.mockResolvedValueOnce({ data: { attendee_id: 3, token: 'again', token_type: 'attendee' } })
    await expect(redeemSignInLink('link-2')).resolves.toEqual({ attendeeId: 3, token: 'again' })
    expect(redeemMagicLink).toHaveBeenCalledTimes(2)
  })
})

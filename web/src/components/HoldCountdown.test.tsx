import { act, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HoldCountdown, formatRemaining } from './HoldCountdown'

describe('HoldCountdown', () => {
  afterEach(() => vi.useRealTimers())

  it('formats minutes and seconds, never below zero', () => {
    expect(formatRemaining(600_000)).toBe('10:00')
    expect(formatRemaining(65_400)).toBe('1:06')
    expect(formatRemaining(999)).toBe('0:01')
    expect(formatRemaining(-5)).toBe('0:00')
  })

  it('counts down live and says once when the hold is over', () => {
    vi.useFakeTimers()
    const onExpired = vi.fn()
    render(<HoldCountdown expiresAt={Date.now() + 3000} onExpired={onExpired} />)
    expect(screen.getByTestId('hold-countdown').textContent).toContain('0:03')
    act(() => vi.advanceTimersByTime(1000))
    expect(screen.getByTestId('hold-countdown').textContent).toContain('0:02')
    expect(onExpired).not.toHaveBeenCalled()
    act(() => vi.advanceTimersByTime(2000))
    expect(onExpired).toHaveBeenCalled()
  })
})

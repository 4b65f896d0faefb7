import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ActivityChart, describeActivity } from './ActivityChart'

const series = [
  { start: '2030-01-11T00:00:00+05:30', bookings: 1, cancellations: 0, check_ins: 0 },
  { start: '2030-01-12T00:00:00+05:30', bookings: 4, cancellations: 0, check_ins: 0 },
  { start: '2030-01-13T00:00:00+05:30', bookings: 2, cancellations: 1, check_ins: 2 },
]

describe('ActivityChart', () => {
  it('draws a group of bars per bucket, named and described for screen readers', () => {
    const { container } = render(<ActivityChart series={series} granularity="day" timeZone="Asia/Kolkata" />)
    const chart = screen.getByRole('img', { name: /Bookings, cancellations and check-ins per day/ })
    expect(chart).toHaveAccessibleName(/7 bookings, 1 cancellation and 2 check-ins/)
    expect(chart).toHaveAccessibleName(/busiest day was .*12.* with 4 bookings/)
    expect(container.querySelectorAll('rect.bar-bookings')).toHaveLength(3)
    const tallest = Number(container.querySelectorAll('rect.bar-bookings')[1].getAttribute('height'))
    const shortest = Number(container.querySelectorAll('rect.bar-bookings')[0].getAttribute('height'))
    expect(tallest).toBeCloseTo(shortest * 4)
  })

  it('gives the same numbers as a table', () => {
    render(<ActivityChart series={series} granularity="day" timeZone="Asia/Kolkata" />)
    const table = screen.getByRole('table', { name: 'Bookings, cancellations and check-ins per day', hidden: true })
    const rows = within(table).getAllByRole('row', { hidden: true })
    expect(rows).toHaveLength(4)
    expect(within(rows[3]).getAllByRole('cell', { hidden: true }).map((c) => c.textContent)).toEqual(['2', '1', '2'])
  })

  it('says so when nothing was booked yet', () => {
    render(<ActivityChart series={[]} granularity="hour" timeZone="UTC" />)
    expect(screen.getByText('No bookings yet.')).toBeInTheDocument()
    expect(screen.queryByRole('img')).toBeNull()
  })
})

describe('describeActivity', () => {
  it('sums the series and names the busiest bucket', () => {
    const text = describeActivity(series.slice(0, 1), (iso) => iso.slice(0, 10), 'day')
    expect(text).toBe('From 2030-01-11 to 2030-01-11: 1 booking, 0 cancellations and 0 check-ins; the busiest day was 2030-01-11 with 1 booking.')
  })
})

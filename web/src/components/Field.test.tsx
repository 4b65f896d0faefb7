import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { Field } from './Field'
import { SeatMeter } from './SeatMeter'

describe('Field', () => {
  it('ties the label, hint and error to the control', () => {
    render(
      <Field label="Capacity" hint="1 to 1,000,000 seats." error="Too many." required>
        <input name="capacity" />
      </Field>,
    )
    const input = screen.getByLabelText(/Capacity/)
    expect(input).toBeRequired()
    expect(input).toHaveAttribute('aria-invalid', 'true')
    expect(input).toHaveAccessibleDescription('1 to 1,000,000 seats. Too many.')
  })
})

describe('SeatMeter', () => {
  it('says how many seats are left, or that it is sold out', () => {
    const { rerender } = render(<SeatMeter capacity={5} available={2} live />)
    expect(screen.getByTestId('seats-available')).toHaveTextContent('2 of 5 seats left')
    expect(screen.getByRole('meter', { name: 'Seats booked' })).toHaveAttribute('aria-valuenow', '3')
    rerender(<SeatMeter capacity={5} available={0} />)
    expect(screen.getByTestId('seats-available')).toHaveTextContent('Sold out')
  })

  it('shows unlimited seats without a bar', () => {
    render(<SeatMeter capacity={null} available={null} booked={12} live />)
    expect(screen.getByTestId('seats-available')).toHaveTextContent('Unlimited seats · 12 booked')
    expect(screen.queryByRole('meter')).toBeNull()
  })
})

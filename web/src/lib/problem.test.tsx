import { describe, expect, it } from 'vitest'
import { networkError, problem } from '../test/problems'
import { validateSignUp } from './account'
import { toProblem } from './problem'

describe('toProblem', () => {
  it('reads the problem+json code', () => {
    expect(toProblem(problem(400, 'event_full'))).toMatchObject({ code: 'event_full', status: 400, message: 'Sorry, this event is fully booked.' })
    expect(toProblem(problem(409, 'something_new'))).toMatchObject({ code: 'something_new', message: 'something_new detail' })
    expect(toProblem(networkError())).toMatchObject({ code: 'network_error', status: null })
  })
})

describe('sign-up rules', () => {
  it('match the server', () => {
    const ok = { email: 'a@example.com', username: 'alice_1', password: 'Str0ng!pass', full_name: '' }
    expect(validateSignUp(ok)).toEqual({})
    expect(validateSignUp({ ...ok, username: 'al' }).username).toBeDefined()
    expect(validateSignUp({ ...ok, username: 'al ice' }).username).toBeDefined()
    expect(validateSignUp({ ...ok, password: 'Str0ngpass' }).password).toBeDefined()
    expect(validateSignUp({ ...ok, password: 'str0ng!pass' }).password).toBeDefined()
    expect(validateSignUp({ ...ok, password: `S0!${'x'.repeat(70)}` }).password).toMatch(/72/)
    expect(validateSignUp({ ...ok, email: 'nope' }).email).toBeDefined()
  })
})

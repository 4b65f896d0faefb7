// The e-mail address check of the forms, as the API applies it: something@host.tld,
// at most 254 bytes.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Why `address` (already trimmed) is not acceptable, or undefined when it is. */
export function emailProblem(address: string): string | undefined {
  if (!address) return 'Enter your e-mail address.'
  if (!EMAIL.test(address) || new TextEncoder().encode(address).length > 254) {
    return 'Enter a valid e-mail address, like name@example.com.'
  }
  return undefined
}

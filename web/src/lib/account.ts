// The account rules of POST /auth/register (docs/security.md, "Accounts").

export interface SignUpForm {
  email: string
  username: string
  password: string
  full_name: string
}

export type SignUpErrors = Partial<Record<keyof SignUpForm, string>>

export function validateSignUp(form: SignUpForm): SignUpErrors {
  const errors: SignUpErrors = {}
  const email = form.email.trim()
  if (!email) errors.email = 'Enter your e-mail address.'
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = 'Enter a valid e-mail address.'
  if (!/^[A-Za-z0-9_]{3,50}$/.test(form.username)) {
    errors.username = '3 to 50 letters, digits or underscores.'
  }
  const p = form.password
  if (p.length < 8) errors.password = 'At least 8 characters.'
  else if (new TextEncoder().encode(p).length > 72) errors.password = 'At most 72 bytes.'
  else if (!/[A-Z]/.test(p) || !/\d/.test(p) || !/[^A-Za-z0-9]/.test(p)) {
    errors.password = 'Include an upper-case letter, a digit and a special character.'
  }
  if ([...form.full_name.trim()].length > 100) errors.full_name = 'At most 100 characters.'
  return errors
}

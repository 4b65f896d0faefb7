import type { ReactNode } from 'react'

interface AlertProps {
  kind: 'error' | 'success' | 'info' | 'warning'
  title?: string
  children?: ReactNode
}

/** A message box; errors are announced at once, the others politely. */
export function Alert({ kind, title, children }: AlertProps) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {title ? <p className="alert-title">{title}</p> : null}
      {children ? <div className="alert-body">{children}</div> : null}
    </div>
  )
}

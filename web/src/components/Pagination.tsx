interface PaginationProps {
  page: number
  pageSize: number
  total: number
  onPage: (page: number) => void
  label: string
}

export function Pagination({ page, pageSize, total, onPage, label }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  if (total <= pageSize && page === 1) return null
  return (
    <nav className="pagination" aria-label={label}>
      <button type="button" className="button button-secondary" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        ← Previous
      </button>
      <span className="pagination-status" aria-live="polite">
        Page {page} of {pages}
      </span>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => onPage(page + 1)}
        disabled={page >= pages}
      >
        Next →
      </button>
    </nav>
  )
}

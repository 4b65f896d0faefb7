import { eventsApi } from './api'

/** The file name the server gives an event's attendee export. */
export function attendeesCsvName(eventId: number): string {
  return `event-${eventId}-attendees.csv`
}

/**
 * Downloads an event's attendee list as CSV. The export needs the bearer token, which a
 * plain link cannot send: the file is fetched, then saved through a temporary object URL.
 */
export async function downloadAttendeesCsv(eventId: number): Promise<void> {
  const { data } = await eventsApi.getEventAttendeesCsv({ id: eventId }, { responseType: 'blob' })
  // Typed as text by the generated client; with responseType 'blob' it is a Blob.
  const body: unknown = data
  const blob = body instanceof Blob ? body : new Blob([String(body)], { type: 'text/csv' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = attendeesCsvName(eventId)
  document.body.append(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}

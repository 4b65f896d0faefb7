import { useMemo } from 'react'
import { useTimeZone } from '../lib/timezone'
import { allZones, browserZone } from '../lib/time'

/** Which zone every time of the app is shown in. */
export function TimeZoneSelect() {
  const { zone, setZone } = useTimeZone()
  const zones = useMemo(() => allZones(), [])
  const mine = browserZone()
  return (
    <div className="tz-select">
      <label htmlFor="tz-select">Times in</label>
      <select id="tz-select" value={zone} onChange={(e) => setZone(e.target.value)}>
        <option value="">Each event’s local time</option>
        <option value={mine}>My time zone ({mine})</option>
        <optgroup label="All time zones">
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll('_', ' ')}
            </option>
          ))}
        </optgroup>
      </select>
    </div>
  )
}

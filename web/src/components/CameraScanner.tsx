import { useEffect, useRef, useState } from 'react'

interface DetectedBarcode {
  rawValue: string
}

interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>
}

type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike

/** The browser's `BarcodeDetector` (Shape Detection API), where it has one. */
export function barcodeDetector(): BarcodeDetectorConstructor | null {
  const detector = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector
  return typeof detector === 'function' ? detector : null
}

/** The same code seen again within this time is the same ticket still in front of the camera. */
const REPEAT_MS = 3000
const SCAN_EVERY_MS = 250

/** Reads QR codes from the back camera and hands each new one to `onCode`. */
export function CameraScanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState<string | null>(null)
  const handler = useRef(onCode)
  useEffect(() => {
    handler.current = onCode
  }, [onCode])

  useEffect(() => {
    const Detector = barcodeDetector()
    if (!Detector || !navigator.mediaDevices) {
      setError('This browser cannot scan QR codes: type the code instead.')
      return
    }
    const detector = new Detector({ formats: ['qr_code'] })
    let stream: MediaStream | null = null
    let timer: ReturnType<typeof setInterval> | undefined
    let stopped = false
    let last = { code: '', at: 0 }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' } })
      .then(async (media) => {
        if (stopped) {
          media.getTracks().forEach((track) => track.stop())
          return
        }
        stream = media
        const element = video.current
        if (!element) return
        element.srcObject = media
        await element.play()
        timer = setInterval(async () => {
          const found = await detector.detect(element).catch(() => [])
          const code = found[0]?.rawValue
          const now = Date.now()
          if (!code || (code === last.code && now - last.at < REPEAT_MS)) return
          last = { code, at: now }
          handler.current(code)
        }, SCAN_EVERY_MS)
      })
      .catch(() => setError('The camera is not available: allow it for this site, or type the code.'))
    return () => {
      stopped = true
      clearInterval(timer)
      stream?.getTracks().forEach((track) => track.stop())
    }
  }, [])

  return error ? (
    <p className="notice">{error}</p>
  ) : (
    <video ref={video} className="door-camera" muted playsInline aria-label="Camera view for scanning tickets" />
  )
}

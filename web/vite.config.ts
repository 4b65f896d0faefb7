import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// The API the dev server forwards to (boxoffice serve on its default address).
const api = process.env.BOXOFFICE_API_URL ?? 'http://127.0.0.1:8000'

// https://vite.dev/config/
export default defineConfig({
  // boxoffice serve embeds web/dist and serves it under /app/.
  base: '/app/',
  plugins: [react()],
  server: {
    // npm run dev: the app on http://127.0.0.1:5173/app/, the API and the WebSocket
    // proxied to boxoffice serve, so the browser sees one origin as in production.
    proxy: {
      '^/(events|attendees|bookings|auth|me|notifications|openapi\\.json|docs|healthz|readyz)(/|$|\\?)': {
        target: api,
      },
      '/ws': { target: api, ws: true },
    },
  },
  build: {
    // One small CSS file and scripts only: the server's Content-Security-Policy allows
    // no inline code.
    assetsInlineLimit: 0,
  },
  test: {
    // Component tests only; the browser tests under e2e/ run with node --test.
    include: ['src/**/*.test.tsx'],
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
    css: false,
    // Typing with user-event takes several seconds when the machine is busy (2 cores shared
    // with builds); the default 5 s made the form tests fail on load alone.
    testTimeout: 20_000,
  },
})

import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import App from './App'
import { AuthProvider } from './lib/auth'
import { LiveProvider } from './lib/live'
import { NotificationsProvider } from './lib/notifications'
import { TimeZoneProvider } from './lib/timezone'
import './styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, '')}>
      <TimeZoneProvider>
        <AuthProvider>
          <LiveProvider>
            <NotificationsProvider>
              <App />
            </NotificationsProvider>
          </LiveProvider>
        </AuthProvider>
      </TimeZoneProvider>
    </BrowserRouter>
  </StrictMode>,
)

import { Route, Routes } from 'react-router'
import { Layout } from './components/Layout'
import { RequireSignIn } from './components/RequireSignIn'
import { AttendeesPage } from './pages/AttendeesPage'
import { DoorPage } from './pages/DoorPage'
import { EventEditorPage } from './pages/EventEditorPage'
import { EventPage } from './pages/EventPage'
import { EventsPage } from './pages/EventsPage'
import { MagicLinkLandingPage } from './pages/MagicLinkLandingPage'
import { MagicLinkPage } from './pages/MagicLinkPage'
import { MyBookingsPage } from './pages/MyBookingsPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { OrganizerPage } from './pages/OrganizerPage'
import { PreferencesPage } from './pages/PreferencesPage'
import { SignInPage } from './pages/SignInPage'
import { SignUpPage } from './pages/SignUpPage'
import { WebhooksPage } from './pages/WebhooksPage'

export default function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<EventsPage />} />
        <Route path="events/:id" element={<EventPage />} />
        <Route path="bookings" element={<MyBookingsPage />} />
        <Route path="magic" element={<MagicLinkPage />} />
        <Route path="magic/:token" element={<MagicLinkLandingPage />} />
        <Route path="preferences" element={<PreferencesPage />} />
        <Route path="signin" element={<SignInPage />} />
        <Route path="signup" element={<SignUpPage />} />
        <Route element={<RequireSignIn />}>
          <Route path="organizer" element={<OrganizerPage />} />
          <Route path="organizer/events/new" element={<EventEditorPage />} />
          <Route path="organizer/events/:id/edit" element={<EventEditorPage />} />
          <Route path="organizer/events/:id/attendees" element={<AttendeesPage />} />
          <Route path="events/:id/door" element={<DoorPage />} />
          <Route path="organizer/webhooks" element={<WebhooksPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}

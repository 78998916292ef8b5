import { type ComponentType, lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { useCurrentUser } from './auth/session';
import { AdminOnly } from './components/AdminOnly';
import { AppLayout } from './components/AppLayout';
import { Loading } from './components/Loading';
import { NotFoundPage } from './components/NotFoundPage';
import { RouteError } from './components/RouteError';

/** Each page is its own chunk, loaded when first visited (the sign-in page loads none of the others). */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({ Component: (await load()).default });

const Dashboard = lazy(() => import('./pages/classes/DashboardPage'));

/** Teachers start on their classes; admins on the activity log. */
function Home() {
  const me = useCurrentUser();
  return me.role === 'admin' ? <Navigate to="/admin/activity" replace /> : <Dashboard />;
}

export const router = createBrowserRouter([
  { path: '/sign-in', lazy: page(() => import('./pages/sign-in/SignInPage')), ErrorBoundary: RouteError, HydrateFallback: Loading },
  {
    path: '/',
    Component: AppLayout,
    ErrorBoundary: RouteError,
    HydrateFallback: Loading,
    children: [
      { index: true, Component: Home },
      { path: 'classes/:classId', lazy: page(() => import('./pages/classes/ClassPage')) },
      { path: 'classes/:classId/assignments/new', lazy: page(() => import('./pages/assignments/NewAssignmentPage')) },
      { path: 'assignments/:assignmentId', lazy: page(() => import('./pages/assignments/AssignmentPage')) },
      { path: 'assignments/:assignmentId/upload', lazy: page(() => import('./pages/submissions/UploadPage')) },
      { path: 'assignments/:assignmentId/matching', lazy: page(() => import('./pages/submissions/MatchingPage')) },
      { path: 'assignments/:assignmentId/review', lazy: page(() => import('./pages/review/ReviewPage')) },
      { path: 'assignments/:assignmentId/stats', lazy: page(() => import('./pages/stats/StatsPage')) },
      { path: 'rubrics', lazy: page(() => import('./pages/rubrics/RubricLibraryPage')) },
      { path: 'rubrics/new', lazy: page(() => import('./pages/rubrics/RubricEditorPage')) },
      { path: 'rubrics/:rubricId', lazy: page(() => import('./pages/rubrics/RubricEditorPage')) },
      { path: 'account/tokens', lazy: page(() => import('./pages/account/ApiTokensPage')) },
      {
        path: 'admin',
        Component: AdminOnly,
        children: [
          { path: 'activity', lazy: page(() => import('./pages/admin/ActivityLogPage')) },
          { path: 'users', lazy: page(() => import('./pages/admin/UsersPage')) },
        ],
      },
      { path: '*', Component: NotFoundPage },
    ],
  },
]);

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, type Schemas, unwrap } from '../api/client';

export type Me = Schemas['MeDto'];

export const meQueryKey = ['me'] as const;

/** The signed-in user, or null when nobody is signed in (401). Keeps the CSRF token for writes. */
export async function fetchMe(): Promise<Me | null> {
  const result = await api.GET('/api/auth/me');
  if (result.response.status === 401) {
    setCsrfToken(null);
    return null;
  }
  const me = await unwrap(Promise.resolve(result));
  setCsrfToken(me.csrfToken);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000 });
}

/** The signed-in user inside the app shell, where the session is known to exist. */
export function useCurrentUser(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useCurrentUser is used outside a signed-in page');
  return data;
}

/** Ends the session, then reloads the sign-in page so nothing of the session stays in memory. */
export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return async () => {
    await api.POST('/api/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    queryClient.clear();
    window.location.replace('/sign-in?signedOut=1');
  };
}

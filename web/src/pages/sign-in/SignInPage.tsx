import { Alert, Badge, Button, Card, Container, Divider, Group, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, fieldErrors, setCsrfToken, unwrap } from '../../api/client';
import { meQueryKey, useMe } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';

/** What each `/sign-in?error=<code>` from the Google callback means, in plain words. */
const SIGN_IN_ERRORS: Record<string, { title: string; text: string }> = {
  domain_not_allowed: {
    title: 'This Google account is not from your school district',
    text: 'HandMark only lets in accounts from your district’s own domains. Sign in again with your school Google account (the one that ends in your school’s address), not a personal one. If you did use your school account, ask your district administrator to add its domain.',
  },
  email_not_verified: {
    title: 'Google has not verified this email address',
    text: 'Verify the address with Google first, or sign in with your verified school account.',
  },
  account_disabled: {
    title: 'Your HandMark account is disabled',
    text: 'A district administrator has turned off this account. Ask them to turn it back on if you still need access.',
  },
  access_denied: {
    title: 'Sign-in was cancelled',
    text: 'Google did not share your account with HandMark, because the consent screen was closed or declined. Try again and choose Allow.',
  },
  invalid_state: {
    title: 'The sign-in link expired',
    text: 'The sign-in took too long or was started in another tab. Start again from this page.',
  },
  invalid_request: {
    title: 'The sign-in could not be completed',
    text: 'Google sent back an incomplete answer. Start again from this page.',
  },
  google_error: {
    title: 'Google could not be reached',
    text: 'HandMark could not talk to Google just now. Wait a moment and try again; if it keeps happening, tell your district administrator.',
  },
};

const UNKNOWN_ERROR = { title: 'Sign-in failed', text: 'Something went wrong while signing you in. Try again.' };

/** Only paths of this app are followed after sign-in (never another site). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignInPage() {
  const [params] = useSearchParams();
  const me = useMe();
  const options = useQuery({
    queryKey: ['auth-options'],
    queryFn: () => unwrap(api.GET('/api/auth/options')),
    staleTime: Infinity,
  });
  const errorCode = params.get('error');
  const error = errorCode ? (SIGN_IN_ERRORS[errorCode] ?? UNKNOWN_ERROR) : null;
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = error ? `${error.title} · HandMark` : 'Sign in · HandMark';
  }, [error]);

  if (me.data) return <Navigate to={next} replace />;

  return (
    <Container size={460} py={48}>
      <main>
        <Stack gap="lg">
          <Stack gap={4} align="center">
            <Title order={1}>Sign in to HandMark</Title>
            <Text c="dimmed" ta="center">
              Grading help for teachers, with every step on the record.
            </Text>
          </Stack>

          {error && (
            <Alert color="red" variant="light" title={error.title} role="alert">
              {error.text}
            </Alert>
          )}
          {params.get('signedOut') && !error && (
            <Alert color="green" variant="light" role="status">
              You are signed out.
            </Alert>
          )}

          {options.isPending || me.isPending ? (
            <Loading label="Loading the sign-in options" />
          ) : options.isError ? (
            <ErrorAlert error={options.error} title="The server could not be reached" />
          ) : (
            <>
              {options.data.google && (
                <Card withBorder padding="lg">
                  <Stack gap="sm">
                    <Text size="sm">Use your school Google account.</Text>
                    <Button component="a" href="/api/auth/google" size="md" fullWidth leftSection={<GoogleMark />}>
                      Sign in with Google
                    </Button>
                  </Stack>
                </Card>
              )}
              {options.data.google && options.data.devLogin && <Divider label="or, on this development server" labelPosition="center" />}
              {options.data.devLogin && <DevSignIn next={next} />}
              {!options.data.google && !options.data.devLogin && (
                <Alert color="yellow" variant="light" title="No way to sign in is configured">
                  Google sign-in is not set up on this server yet. Ask your district administrator to configure it.
                </Alert>
              )}
            </>
          )}
        </Stack>
      </main>
    </Container>
  );
}

function GoogleMark() {
  return (
    <svg width="18" height="18" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <path fill="#FFC107" d="M43.6 20.5H42V20H24v8h11.3C33.7 32.7 29.2 36 24 36c-6.6 0-12-5.4-12-12s5.4-12 12-12c3.1 0 5.8 1.2 7.9 3.1l5.7-5.7C34 6.1 29.3 4 24 4 12.9 4 4 12.9 4 24s8.9 20 20 20 20-8.9 20-20c0-1.3-.1-2.4-.4-3.5z" />
      <path fill="#FF3D00" d="M6.3 14.7l6.6 4.8C14.7 15.1 19 12 24 12c3.1 0 5.8 1.2 7.9 3.1l5.7-5.7C34 6.1 29.3 4 24 4 16.3 4 9.7 8.3 6.3 14.7z" />
      <path fill="#4CAF50" d="M24 44c5.2 0 9.9-2 13.4-5.2l-6.2-5.2C29.2 35.1 26.7 36 24 36c-5.2 0-9.6-3.3-11.3-8l-6.5 5C9.5 39.6 16.2 44 24 44z" />
      <path fill="#1976D2" d="M43.6 20.5H42V20H24v8h11.3c-.8 2.2-2.2 4.2-4.1 5.6l6.2 5.2C37 39.2 44 34 44 24c0-1.3-.1-2.4-.4-3.5z" />
    </svg>
  );
}

/** The development sign-in: trusts any email, so it is marked as such and never exists in production. */
function DevSignIn({ next }: { next: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'teacher' | 'admin'>('teacher');
  const signIn = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/dev-login', { body: { email: email.trim(), name: name.trim() || undefined, role } })),
    onSuccess: async (me) => {
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(meQueryKey, me);
      await navigate(next, { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  const emailError = fieldErrors(signIn.error).email;

  return (
    <Card withBorder padding="lg" style={{ borderColor: 'var(--mantine-color-orange-7)', borderStyle: 'dashed' }}>
      <form onSubmit={submit} aria-labelledby="dev-sign-in-title" noValidate>
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={2} size="h3" id="dev-sign-in-title">
              Development sign-in
            </Title>
            <Badge color="orange.9" variant="outline">
              Not for real accounts
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            This server trusts any email typed here, because Google sign-in is not configured. Use it only on a test server.
          </Text>
          <TextInput label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={emailError} />
          <TextInput label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} description="Optional" />
          <Radio.Group label="Role" value={role} onChange={(value) => setRole(value as 'teacher' | 'admin')}>
            <Group mt={6}>
              <Radio value="teacher" label="Teacher" />
              <Radio value="admin" label="District admin" />
            </Group>
          </Radio.Group>
          {signIn.isError && !emailError && <ErrorAlert error={signIn.error} title="Could not sign in" />}
          <Button type="submit" loading={signIn.isPending} color="orange.9">
            Sign in (development)
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

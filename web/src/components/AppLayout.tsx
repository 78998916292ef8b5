import { Anchor, AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigation } from 'react-router';
import { useMe, useSignOut, type Me } from '../auth/session';
import { Loading } from './Loading';

interface NavItem {
  to: string;
  label: string;
  /** Also active below this path. */
  prefixes?: string[];
}

const NAV: Record<Me['role'], NavItem[]> = {
  teacher: [
    { to: '/', label: 'Classes', prefixes: ['/classes', '/assignments'] },
    { to: '/rubrics', label: 'Rubrics', prefixes: ['/rubrics'] },
    { to: '/account/tokens', label: 'API tokens' },
  ],
  admin: [
    { to: '/admin/activity', label: 'Activity log' },
    { to: '/admin/users', label: 'Users and roles' },
    { to: '/account/tokens', label: 'API tokens' },
  ],
};

function isActive(item: NavItem, pathname: string): boolean {
  return pathname === item.to || (item.prefixes ?? []).some((prefix) => pathname.startsWith(prefix));
}

/** Every signed-in page: header with the user and sign-out, navigation by role, and the page. */
export function AppLayout() {
  const me = useMe();
  const location = useLocation();
  const navigation = useNavigation();
  const signOut = useSignOut();
  const [opened, { toggle, close }] = useDisclosure();

  if (me.isPending) return <Loading label="Checking your session" />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  const user = me.data;
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Anchor component={Link} to="/" fw={700} size="lg" underline="never" c="inherit" aria-label="HandMark, start page">
              HandMark
            </Anchor>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Stack gap={0} visibleFrom="xs" align="flex-end">
              <Text size="sm" fw={500}>
                {user.name ?? user.email}
              </Text>
              <Text size="xs" c="dimmed">
                {user.email}
              </Text>
            </Stack>
            <Badge color={user.role === 'admin' ? 'grape' : 'blue'}>{user.role === 'admin' ? 'Admin' : 'Teacher'}</Badge>
            <Button variant="default" size="sm" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Main">
        {NAV[user.role].map((item) => {
          const active = isActive(item, location.pathname);
          return <NavLink key={item.to} component={Link} to={item.to} label={item.label} active={active} variant="filled" aria-current={active ? 'page' : undefined} onClick={close} />;
        })}
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <div aria-busy={navigation.state === 'loading'}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </div>
      </AppShell.Main>
    </AppShell>
  );
}

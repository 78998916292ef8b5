import { Button, Text } from '@mantine/core';
import { Link, Outlet } from 'react-router';
import { useCurrentUser } from '../auth/session';
import { Page } from './Page';

/** Admin pages for admins; a teacher who follows a link to one is told why it is not shown. */
export function AdminOnly() {
  const me = useCurrentUser();
  if (me.role === 'admin') return <Outlet />;
  return (
    <Page title="Only for district admins">
      <Text>This page is for district administrators. Your account is a teacher account, so it is not shown to you.</Text>
      <Button component={Link} to="/" w="fit-content">
        Go to your classes
      </Button>
    </Page>
  );
}

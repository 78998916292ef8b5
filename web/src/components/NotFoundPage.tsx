import { Button, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { Page } from './Page';

/** Unknown addresses, and ids that are not yours (the server answers 404 for both). */
export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <Page title="Not found" documentTitle="Not found">
      <Stack gap="md" align="flex-start">
        <Text>
          We could not find this {what}. It may have been removed, or it belongs to someone else. Check the address, or go back to the start.
        </Text>
        <Button component={Link} to="/">
          Go to the start page
        </Button>
      </Stack>
    </Page>
  );
}

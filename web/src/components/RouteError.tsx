import { Button, Container, Stack, Text, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/** When a page cannot be shown at all (its code failed to load, or it crashed). */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : String(error);
  return (
    <Container size="sm" py="xl">
      <main>
        <Stack>
          <Title order={1}>This page could not be shown</Title>
          <Text>Something went wrong while showing this page. Reloading often helps, for example after HandMark was updated.</Text>
          <Text size="sm" c="dimmed">
            {message}
          </Text>
          <Button onClick={() => window.location.reload()} w="fit-content">
            Reload the page
          </Button>
        </Stack>
      </main>
    </Container>
  );
}

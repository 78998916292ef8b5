import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api/client';

interface ErrorAlertProps {
  error: unknown;
  title?: string;
  /** List the server's per-field details (off when the form shows them beside the fields). */
  showDetails?: boolean;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session has ended. Sign in again to continue.';
    if (error.status === 403) return 'Your account is not allowed to do this.';
    if (error.code === 'CONCURRENT_EDIT' || error.status === 409) return error.message || 'Someone else changed this at the same time. Reload and try again.';
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** A failed request, in words, announced to screen readers. */
export function ErrorAlert({ error, title = 'That did not work', showDetails = true }: ErrorAlertProps) {
  const details = error instanceof ApiError && showDetails ? error.details : [];
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Text size="sm">{errorMessage(error)}</Text>
      {details.length > 0 && (
        <List size="sm" mt="xs">
          {details.map((detail, index) => (
            <List.Item key={index}>
              {detail.field ? <strong>{detail.field}: </strong> : null}
              {detail.message}
            </List.Item>
          ))}
        </List>
      )}
      {error instanceof ApiError && error.requestId && (
        <Text size="xs" c="dimmed" mt="xs">
          Request id {error.requestId}
        </Text>
      )}
    </Alert>
  );
}

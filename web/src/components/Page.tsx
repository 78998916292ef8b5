import { Group, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';

let firstPage = true;

interface PageProps {
  title: string;
  /** The browser tab's title when it should differ from the heading. */
  documentTitle?: string;
  description?: ReactNode;
  actions?: ReactNode;
  above?: ReactNode;
  children?: ReactNode;
}

/**
 * A page's heading and body. The title names the browser tab, and after a client-side navigation
 * focus moves to the heading, so screen readers announce the new page and Tab starts from it.
 */
export function Page({ title, documentTitle, description, actions, above, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${documentTitle ?? title} · HandMark`;
  }, [title, documentTitle]);
  useEffect(() => {
    if (!firstPage) heading.current?.focus({ preventScroll: false });
    firstPage = false;
  }, []);
  return (
    <Stack gap="lg">
      {above}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Title order={1} ref={heading} tabIndex={-1} className="page-heading">
            {title}
          </Title>
          {description && (
            <Text c="dimmed" size="sm">
              {description}
            </Text>
          )}
        </Stack>
        {actions && <Group gap="sm">{actions}</Group>}
      </Group>
      {children}
    </Stack>
  );
}

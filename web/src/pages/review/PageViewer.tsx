import { ActionIcon, Button, Group, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import type { Schemas } from '../../api/client';

type SubmissionDetail = Schemas['SubmissionDetailDto'];

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

interface PageViewerProps {
  submission: SubmissionDetail;
  /** Zoom is kept from one submission to the next. */
  zoom: number;
  onZoom: (zoom: number) => void;
}

export function zoomIn(zoom: number): number {
  return ZOOMS.find((step) => step > zoom) ?? zoom;
}

export function zoomOut(zoom: number): number {
  return [...ZOOMS].reverse().find((step) => step < zoom) ?? zoom;
}

/** The student's pages, zoomable, or the typed text. */
export function PageViewer({ submission, zoom, onZoom }: PageViewerProps) {
  const [pageIndex, setPageIndex] = useState(0);
  const pages = submission.pages.filter((page) => !page.isCover || submission.pages.length === 1);
  const page = pages[Math.min(pageIndex, pages.length - 1)];
  const who = submission.studentName ?? submission.fileName ?? 'this submission';

  if (submission.sourceKind === 'text' || pages.length === 0) {
    return (
      <ScrollArea h="70vh" type="auto" aria-label={`Typed work of ${who}`}>
        <Text style={{ whiteSpace: 'pre-wrap' }} p="sm" ff="Georgia, serif">
          {submission.text ?? 'No pages yet.'}
        </Text>
      </ScrollArea>
    );
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Group gap={4} role="group" aria-label="Pages">
          {pages.length > 1 &&
            pages.map((p, index) => (
              <Button key={p.pageNumber} size="compact-sm" variant={index === pageIndex ? 'filled' : 'default'} onClick={() => setPageIndex(index)} aria-pressed={index === pageIndex}>
                Page {p.pageNumber}
              </Button>
            ))}
        </Group>
        <Group gap={4} role="group" aria-label="Zoom">
          <Tooltip label="Zoom out (-)">
            <ActionIcon variant="default" onClick={() => onZoom(zoomOut(zoom))} aria-label="Zoom out" disabled={zoom === ZOOMS[0]}>
              <span aria-hidden="true">−</span>
            </ActionIcon>
          </Tooltip>
          <Text size="sm" w={48} ta="center" aria-live="polite">
            {Math.round(zoom * 100)}%
          </Text>
          <Tooltip label="Zoom in (+)">
            <ActionIcon variant="default" onClick={() => onZoom(zoomIn(zoom))} aria-label="Zoom in" disabled={zoom === ZOOMS[ZOOMS.length - 1]}>
              <span aria-hidden="true">+</span>
            </ActionIcon>
          </Tooltip>
          <Button size="compact-sm" variant="default" onClick={() => onZoom(1)}>
            Fit
          </Button>
        </Group>
      </Group>
      <ScrollArea h="70vh" type="auto" offsetScrollbars bg="gray.1" style={{ borderRadius: 'var(--mantine-radius-md)' }}>
        {page?.links.image ? (
          <img
            src={page.links.image}
            alt={`Page ${page.pageNumber} of ${pages.length} of ${who}'s work`}
            style={{ display: 'block', width: `${zoom * 100}%`, maxWidth: 'none', margin: '0 auto' }}
            data-page-image
          />
        ) : (
          <Text p="md" c="dimmed">
            This page is still being prepared.
          </Text>
        )}
      </ScrollArea>
    </Stack>
  );
}

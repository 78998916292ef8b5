import { Alert, Anchor, Badge, Button, Card, Grid, Group, Kbd, NumberInput, ScrollArea, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../../api/client';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPoints, plural } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { useAssignment } from '../assignments/queries';
import { GradeEditor, type GradeEditorHandle, type ReviewGrade } from './GradeEditor';
import { GradingProgress } from './GradingProgress';
import { PageViewer, zoomIn, zoomOut } from './PageViewer';

type AssignmentDto = Schemas['AssignmentDto'];
type QueueItem = Schemas['ReviewQueueItemDto'];

const submissionQuery = (id: string) => ({
  queryKey: ['submission', id],
  queryFn: () => unwrap(api.GET('/api/submissions/{id}', { params: { path: { id } } })),
  staleTime: 60_000,
});
const gradeQuery = (id: string) => ({
  queryKey: ['grade', id],
  queryFn: async (): Promise<ReviewGrade> => unwrap(api.GET('/api/submissions/{id}/grade', { params: { path: { id } } })),
  staleTime: 60_000,
});

/** Loads a submission, its grade and its first page image before the teacher moves to it. */
async function prefetch(queryClient: QueryClient, submissionId: string): Promise<void> {
  await queryClient.prefetchQuery(gradeQuery(submissionId));
  const detail = await queryClient.fetchQuery(submissionQuery(submissionId)).catch(() => null);
  const image = detail?.pages.find((page) => !page.isCover || detail.pages.length === 1)?.links.image;
  if (image) {
    const preload = new Image();
    preload.src = image;
    await preload.decode().catch(() => undefined);
  }
}

export default function ReviewPage() {
  const { assignmentId = '' } = useParams();
  const assignment = useAssignment(assignmentId);
  return (
    <QueryState query={assignment} what="assignment">
      {(data) => <Review assignment={data} />}
    </QueryState>
  );
}

function Review({ assignment }: { assignment: AssignmentDto }) {
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  /** The submission under review; kept in the address (?s=) without a router navigation, which would re-render the whole app on every move. */
  const [selected, setSelected] = useState<string | null>(() => params.get('s'));
  const [announcement, setAnnouncement] = useState('');
  const [zoom, setZoom] = useState(1);
  /** The queue's order when the teacher started, so items do not jump around while they work. */
  const [order, setOrder] = useState<string[]>([]);
  const editor = useRef<GradeEditorHandle>(null);
  const announce = useCallback((message: string) => setAnnouncement((current) => (current === message ? `${message} ` : message)), []);

  const queue = useQuery({
    queryKey: ['review-queue', assignment.id],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/review-queue', { params: { path: { id: assignment.id }, query: { pageSize: 200 } } })),
  });
  const rubric = useQuery({
    queryKey: ['rubric-version', assignment.rubricId, assignment.rubricVersion],
    queryFn: () => unwrap(api.GET('/api/rubrics/{id}/versions/{version}', { params: { path: { id: assignment.rubricId!, version: assignment.rubricVersion! } } })),
    enabled: assignment.rubricId !== null && assignment.rubricVersion !== null,
    staleTime: Infinity,
  });

  const items = useMemo(() => new Map((queue.data?.items ?? []).map((item) => [item.submissionId, item])), [queue.data]);
  useEffect(() => {
    if (!queue.data) return;
    setOrder((current) => {
      const known = new Set(current);
      const added = queue.data.items.map((item) => item.submissionId).filter((id) => !known.has(id));
      return added.length ? [...current, ...added] : current;
    });
  }, [queue.data]);
  const waiting = useMemo(() => order.filter((id) => items.has(id)), [order, items]);
  const currentId = selected && waiting.includes(selected) ? selected : waiting[0];
  const index = currentId ? waiting.indexOf(currentId) : -1;
  const nextId = index >= 0 ? waiting[index + 1] : undefined;
  const previousId = index > 0 ? waiting[index - 1] : undefined;

  const select = useCallback((id: string | undefined) => {
    if (!id) return;
    setSelected(id);
    window.history.replaceState(window.history.state, '', `?s=${id}`);
  }, []);
  const refreshQueue = useCallback(() => void queryClient.invalidateQueries({ queryKey: ['review-queue', assignment.id] }), [queryClient, assignment.id]);

  // The next submission (and the previous one) are loaded in the background, so moving is instant.
  useEffect(() => {
    for (const id of [nextId, previousId]) if (id) void prefetch(queryClient, id);
  }, [nextId, previousId, queryClient]);

  const submission = useQuery({ ...submissionQuery(currentId ?? ''), enabled: currentId !== undefined });
  const grade = useQuery({ ...gradeQuery(currentId ?? ''), enabled: currentId !== undefined });

  const approve = useMutation({
    mutationFn: async ({ grade: current }: { grade: ReviewGrade; item: QueueItem }) => {
      const changes = editor.current?.changes() ?? null;
      if (changes) {
        await unwrap(api.PUT('/api/submissions/{id}/grade', { params: { path: { id: current.submissionId }, header: { 'If-Match': String(current.version) } }, body: changes }));
        return 'edited' as const;
      }
      await unwrap(api.POST('/api/grades/{id}/approve', { params: { path: { id: current.id }, header: { 'If-Match': String(current.version) } } }));
      return 'approved' as const;
    },
    onSuccess: async (outcome, { item }) => {
      const who = item.student.name ?? 'This submission';
      const next = nextId ?? previousId;
      announce(`${outcome === 'edited' ? 'Saved your changes to' : 'Approved'} ${who}'s grade.${next ? ` Now reviewing ${items.get(next)?.student.name ?? 'the next submission'}.` : ' Nothing else is waiting for review.'}`);
      select(next);
      queryClient.removeQueries({ queryKey: ['grade', item.submissionId] });
      await queryClient.invalidateQueries({ queryKey: ['review-queue', assignment.id] });
      await queryClient.invalidateQueries({ queryKey: ['stats', assignment.id] });
    },
    onError: (error, { item }) => {
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: ['grade', item.submissionId] });
    },
  });
  const current = currentId ? items.get(currentId) : undefined;
  // Moving on unmounts the focused control of the previous grade; focus goes to the new student's
  // name instead of the page's top, so a screen reader announces who is being reviewed now.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (currentId && document.activeElement === document.body) heading.current?.focus({ preventScroll: true });
  }, [currentId]);
  const doApprove = useCallback(() => {
    if (current && grade.data && !approve.isPending) approve.mutate({ grade: grade.data, item: current });
  }, [current, grade.data, approve]);

  // Keyboard: a approve, j/n next, k/p previous, e edit the scores, + and - zoom; Ctrl+Enter approves from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.metaKey) return;
      if (event.ctrlKey && event.key === 'Enter') {
        event.preventDefault();
        doApprove();
        return;
      }
      if (event.ctrlKey) return;
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('textarea, select, [contenteditable="true"]') || (target instanceof HTMLInputElement && !['radio', 'checkbox', 'button'].includes(target.type));
      if (typing || document.querySelector('[role="dialog"]')) return;
      const actions: Record<string, () => void> = {
        a: doApprove,
        j: () => select(nextId),
        n: () => select(nextId),
        k: () => select(previousId),
        p: () => select(previousId),
        e: () => editor.current?.focusFirstScore(),
        '+': () => setZoom(zoomIn),
        '=': () => setZoom(zoomIn),
        '-': () => setZoom(zoomOut),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [doApprove, nextId, previousId, select]);


  return (
    <Page
      title="Review grades"
      description={assignment.title}
      above={
        <Anchor component={Link} to={`/assignments/${assignment.id}`} size="sm">
          ← {assignment.title}
        </Anchor>
      }
      actions={
        <Button component={Link} to={`/assignments/${assignment.id}/stats`} variant="default">
          Statistics
        </Button>
      }
    >
      <div aria-live="polite" aria-atomic="true" className="visually-hidden" data-testid="review-announcer">
        {announcement}
      </div>
      <GradingProgress assignmentId={assignment.id} onProgress={refreshQueue} />
      {queue.isPending ? (
        <Loading />
      ) : queue.isError ? (
        <ErrorAlert error={queue.error} title="Could not load the grades waiting for review" />
      ) : waiting.length === 0 ? (
        <Alert color="green" variant="light" title="Nothing waiting for review" role="status">
          Every AI grade of this assignment has been reviewed. New ones appear here as the AI grades more work.
        </Alert>
      ) : (
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 3 }}>
            <Stack gap="sm">
              <BulkApprove assignmentId={assignment.id} items={queue.data.items} announce={announce} />
              <QueueList waiting={waiting} items={items} currentId={currentId} flagged={queue.data.flagged} onSelect={select} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 9 }}>
            {current && (
              <Card withBorder padding="md" component="section" aria-labelledby="reviewing-heading" data-current-submission={current.submissionId}>
                <Stack gap="md">
                  <Group justify="space-between" wrap="wrap">
                    <div>
                      <Title order={2} size="h3" id="reviewing-heading" ref={heading} tabIndex={-1} className="page-heading">
                        {current.student.name ?? 'Unknown student'}
                      </Title>
                      <Text size="sm" c="dimmed">
                        {index + 1} of {waiting.length} waiting · AI proposal {formatPoints(current.totalScore)} of {formatPoints(current.maxScore)}
                      </Text>
                    </div>
                    <Group gap="xs">
                      <Button variant="default" onClick={() => select(previousId)} disabled={!previousId}>
                        Previous
                      </Button>
                      <Button variant="default" onClick={() => select(nextId)} disabled={!nextId}>
                        Next
                      </Button>
                      <Button onClick={doApprove} loading={approve.isPending} disabled={!grade.data}>
                        Approve
                      </Button>
                    </Group>
                  </Group>
                  <Text size="xs" c="dimmed">
                    Keys: <Kbd>A</Kbd> approve (saves your changes) · <Kbd>J</Kbd> next · <Kbd>K</Kbd> previous · <Kbd>E</Kbd> edit scores (arrow keys choose a level) · <Kbd>+</Kbd>/<Kbd>−</Kbd> zoom ·{' '}
                    <Kbd>Ctrl</Kbd>+<Kbd>Enter</Kbd> approve while typing
                  </Text>
                  {approve.isError && <ErrorAlert error={approve.error} title={approve.error instanceof ApiError && approve.error.status === 409 ? 'Someone else changed this grade; it was reloaded' : 'Not saved'} />}
                  <Grid gap="md">
                    <Grid.Col span={{ base: 12, lg: 7 }}>
                      {submission.isPending ? <Loading /> : submission.isError ? <ErrorAlert error={submission.error} /> : <PageViewer key={current.submissionId} submission={submission.data} zoom={zoom} onZoom={setZoom} />}
                    </Grid.Col>
                    <Grid.Col span={{ base: 12, lg: 5 }}>
                      {grade.isPending ? (
                        <Loading />
                      ) : grade.isError ? (
                        <ErrorAlert error={grade.error} />
                      ) : (
                        <GradeEditor key={`${grade.data.id}@${grade.data.version}`} ref={editor} grade={grade.data} criteria={rubric.data?.criteria ?? null} announce={announce} />
                      )}
                    </Grid.Col>
                  </Grid>
                </Stack>
              </Card>
            )}
          </Grid.Col>
        </Grid>
      )}
    </Page>
  );
}

/** The grades waiting for review, in the queue's order (flagged first, then the least confident). */
const QueueList = memo(function QueueList({ waiting, items, currentId, flagged, onSelect }: { waiting: string[]; items: Map<string, QueueItem>; currentId: string | undefined; flagged: number; onSelect: (id: string) => void }) {
  return (
    <nav aria-label="Grades waiting for review">
      <Text size="sm" fw={600} mb={4}>
        {plural(waiting.length, 'grade')} waiting{flagged ? `, ${flagged} flagged` : ''}
      </Text>
      <ScrollArea.Autosize mah="60vh" type="auto">
        <Stack gap={4} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {waiting.map((id) => {
            const item = items.get(id)!;
            const selected = id === currentId;
            return (
              <li key={id}>
                <UnstyledButton
                  onClick={() => onSelect(id)}
                  aria-current={selected ? 'true' : undefined}
                  w="100%"
                  p="xs"
                  style={{ borderRadius: 'var(--mantine-radius-sm)', border: `1px solid ${selected ? 'var(--mantine-color-blue-8)' : 'var(--mantine-color-gray-3)'}`, background: selected ? 'var(--mantine-color-blue-0)' : undefined }}
                >
                  <Group justify="space-between" wrap="nowrap" gap={4}>
                    <Text size="sm" fw={500} truncate>
                      {item.student.name ?? 'Unknown student'}
                    </Text>
                    <Text size="xs">{Math.round(item.percentage)}%</Text>
                  </Group>
                  <Group gap={4}>
                    {item.flags.length > 0 && (
                      <Badge size="xs" color="red.9">
                        flagged
                      </Badge>
                    )}
                    {item.confidence !== null && (
                      <Text size="xs" c="dimmed">
                        confidence {Math.round(item.confidence * 100)}%
                      </Text>
                    )}
                  </Group>
                </UnstyledButton>
              </li>
            );
          })}
        </Stack>
      </ScrollArea.Autosize>
    </nav>
  );
});

/** Approves every unflagged AI grade at or above a confidence in one request (never the flagged ones). */
const BulkApprove = memo(function BulkApprove({ assignmentId, items, announce }: { assignmentId: string; items: QueueItem[]; announce: (message: string) => void }) {
  const queryClient = useQueryClient();
  const [threshold, setThreshold] = useState<number | string>(0.9);
  const [confirming, setConfirming] = useState(false);
  const limit = typeof threshold === 'number' ? threshold : Number(threshold) || 1;
  const confident = items.filter((item) => item.flags.length === 0 && item.confidence !== null && item.confidence >= limit);
  const bulk = useMutation({
    mutationFn: (gradeIds: string[]) => unwrap(api.POST('/api/assignments/{id}/grades/approve', { params: { path: { id: assignmentId } }, body: { gradeIds } })),
    onSuccess: async (result) => {
      setConfirming(false);
      notifications.show({ color: 'green', message: `Approved ${plural(result.approved.length, 'grade')}.` });
      announce(`Approved ${plural(result.approved.length, 'grade')}.`);
      await queryClient.invalidateQueries({ queryKey: ['review-queue', assignmentId] });
      await queryClient.invalidateQueries({ queryKey: ['stats', assignmentId] });
    },
  });
  return (
    <Card withBorder padding="sm">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Approve the confident ones
        </Text>
        <NumberInput label="AI confidence at least" min={0.5} max={1} step={0.05} decimalScale={2} value={threshold} onChange={setThreshold} size="xs" />
        <Button size="xs" disabled={confident.length === 0} onClick={() => setConfirming(true)}>
          Approve {plural(confident.length, 'grade')}
        </Button>
        <Text size="xs" c="dimmed">
          Flagged grades are never approved in bulk.
        </Text>
      </Stack>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={`Approve ${plural(confident.length, 'grade')}?`}
        confirmLabel="Approve them"
        danger={false}
        onConfirm={() => bulk.mutate(confident.map((item) => item.gradeId))}
        loading={bulk.isPending}
        error={bulk.error}
      >
        The AI's grades with confidence {limit} or more and no flags are approved as they are. You can still change any of them later.
      </ConfirmModal>
    </Card>
  );
});

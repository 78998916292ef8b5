import { Alert, Button, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { memo, useEffect, useRef } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { plural } from '../../components/format';

export function useAssignmentStats(assignmentId: string, live: boolean) {
  return useQuery({
    queryKey: ['stats', assignmentId],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/stats', { params: { path: { id: assignmentId } } })),
    refetchInterval: (query) => {
      const byStatus = query.state.data?.byStatus;
      return live || (byStatus && byStatus.grading > 0) ? 1500 : false;
    },
  });
}

/**
 * "Grade all pending work with AI" and its live progress: how many of the class's submissions are
 * graded, read from the assignment's statistics while the AI works.
 */
export const GradingProgress = memo(function GradingProgress({ assignmentId, onProgress }: { assignmentId: string; onProgress: () => void }) {
  const queryClient = useQueryClient();
  const ai = useQuery({ queryKey: ['ai-status'], queryFn: () => unwrap(api.GET('/api/ai/status')), staleTime: 60_000 });
  const start = useMutation({
    mutationFn: (mode: 'interactive' | 'batch') => unwrap(api.POST('/api/assignments/{id}/grade-pending', { params: { path: { id: assignmentId } }, body: { mode } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['stats', assignmentId] }),
  });
  const stats = useAssignmentStats(assignmentId, start.isSuccess);
  const byStatus = stats.data?.byStatus;
  const working = byStatus ? byStatus.grading + (start.isSuccess ? byStatus.pending : 0) : 0;
  const done = byStatus ? byStatus.graded + byStatus.reviewed + byStatus.error : 0;
  const total = stats.data?.totalSubmissions ?? 0;

  // New AI proposals appear in the review queue as they arrive.
  const lastDone = useRef(done);
  useEffect(() => {
    if (done !== lastDone.current) {
      lastDone.current = done;
      onProgress();
    }
  }, [done, onProgress]);

  if (!byStatus || total === 0) return null;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="grading-heading">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} id="grading-heading">
            AI grading
          </Text>
          <Text size="sm" aria-live="polite">
            {working > 0 ? `Grading… ${done} of ${plural(total, 'submission')} done` : `${byStatus.reviewed} reviewed, ${byStatus.graded} waiting for review, ${byStatus.pending} not graded yet${byStatus.error ? `, ${byStatus.error} failed` : ''}`}
          </Text>
        </Group>
        <Progress.Root size="lg" aria-label="Grading progress">
          <Progress.Section value={(byStatus.reviewed / total) * 100} color="green.8" aria-label="Reviewed" />
          <Progress.Section value={(byStatus.graded / total) * 100} color="blue.8" aria-label="Waiting for review" />
          <Progress.Section value={(byStatus.error / total) * 100} color="red.8" aria-label="Failed" />
        </Progress.Root>
        {ai.data && !ai.data.enabled && (
          <Alert color="gray" variant="light">
            AI grading is off on this server{ai.data.reason ? `: ${ai.data.reason}` : ''}. Grade by hand from the review screen.
          </Alert>
        )}
        {ai.data?.enabled && byStatus.pending > 0 && working === 0 && (
          <Group>
            <Button onClick={() => start.mutate('interactive')} loading={start.isPending && start.variables === 'interactive'}>
              Grade {plural(byStatus.pending, 'pending submission')} now
            </Button>
            <Button variant="default" onClick={() => start.mutate('batch')} loading={start.isPending && start.variables === 'batch'}>
              Grade at half price (results within 24 hours)
            </Button>
          </Group>
        )}
        {start.isError && <ErrorAlert error={start.error} title="Grading did not start" />}
      </Stack>
    </Card>
  );
});

import { Alert, Anchor, Badge, Button, Card, Group, Image, SimpleGrid, Stack, Text, Select } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { useAssignment } from '../assignments/queries';

type AssignmentDto = Schemas['AssignmentDto'];
type SubmissionDto = Schemas['SubmissionDto'];
type StudentDto = Schemas['StudentDto'];

export default function MatchingPage() {
  const { assignmentId = '' } = useParams();
  const assignment = useAssignment(assignmentId);
  return (
    <QueryState query={assignment} what="assignment">
      {(data) => <MatchingQueue assignment={data} />}
    </QueryState>
  );
}

/** Work whose student HandMark could not tell (or could not choose between several): the teacher says whose it is. */
function MatchingQueue({ assignment }: { assignment: AssignmentDto }) {
  const queue = useQuery({
    queryKey: ['unmatched', assignment.id, 'queue'],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/unmatched', { params: { path: { id: assignment.id }, query: { pageSize: 100 } } })),
    // Pages of PDFs are still being rendered: ask again until every preview exists.
    refetchInterval: (query) => (query.state.data?.items.some((item) => item.sourceKind !== 'text' && item.pagesRendered < item.pageCount) ? 2000 : false),
  });
  const roster = useQuery({
    queryKey: ['students', assignment.classId, 'all'],
    queryFn: () => unwrap(api.GET('/api/classes/{id}/students', { params: { path: { id: assignment.classId }, query: { pageSize: 200 } } })),
  });
  return (
    <Page
      title="Match work to students"
      description={assignment.title}
      above={
        <Anchor component={Link} to={`/assignments/${assignment.id}`} size="sm">
          ← {assignment.title}
        </Anchor>
      }
    >
      {queue.isPending || roster.isPending ? (
        <Loading />
      ) : queue.isError ? (
        <ErrorAlert error={queue.error} title="Could not load the matching queue" />
      ) : roster.isError ? (
        <ErrorAlert error={roster.error} title="Could not load the roster" />
      ) : queue.data.total === 0 ? (
        <Alert color="green" variant="light" title="Nothing to match" role="status">
          Every submission of this assignment has its student.
        </Alert>
      ) : (
        <Stack gap="md">
          <Text aria-live="polite">{queue.data.total === 1 ? '1 submission needs its student.' : `${queue.data.total} submissions need their student.`}</Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {queue.data.items.map((submission) => (
              <MatchCard key={submission.id} submission={submission} students={roster.data.items} assignmentId={assignment.id} />
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Page>
  );
}

function MatchCard({ submission, students, assignmentId }: { submission: SubmissionDto; students: StudentDto[]; assignmentId: string }) {
  const queryClient = useQueryClient();
  const [studentId, setStudentId] = useState<string | null>(submission.match.candidates[0]?.studentId ?? null);
  const label = submission.fileName ?? `Submission from ${formatDateTime(submission.submittedAt)}`;
  const thumbnail = submission.links.thumbnail ?? (submission.pagesRendered > 0 ? `/api/submissions/${submission.id}/pages/1/thumbnail` : null);
  const assign = useMutation({
    mutationFn: (id: string) => unwrap(api.PUT('/api/submissions/{id}/student', { params: { path: { id: submission.id }, header: { 'If-Match': String(submission.version) } }, body: { studentId: id } })),
    onSuccess: async (matched) => {
      notifications.show({ color: 'green', message: `${label} is now ${matched.studentName ?? 'matched'}'s work.` });
      await queryClient.invalidateQueries({ queryKey: ['unmatched', assignmentId] });
      await queryClient.invalidateQueries({ queryKey: ['submissions', assignmentId] });
    },
  });
  return (
    <Card withBorder padding="md" component="article" aria-label={label}>
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Anchor href={submission.links.file} target="_blank" rel="noopener">
          {thumbnail ? (
            <Image src={thumbnail} alt={`First page of ${label}`} w={120} h={160} fit="contain" radius="sm" bg="gray.1" />
          ) : (
            <Stack w={120} h={160} justify="center" align="center" bg="gray.1" style={{ borderRadius: 4 }}>
              <Text size="xs" c="dimmed" ta="center">
                {submission.sourceKind === 'text' ? 'Typed text' : 'Preview not ready'}
              </Text>
            </Stack>
          )}
          <span className="visually-hidden"> (open {label} in a new tab)</span>
        </Anchor>
        <Stack gap="xs" style={{ flexGrow: 1 }}>
          <Group gap="xs">
            <Text fw={600} size="sm">
              {label}
            </Text>
            <Badge color={submission.match.status === 'ambiguous' ? 'orange.9' : 'gray.7'}>{submission.match.status === 'ambiguous' ? 'several possible students' : 'no student found'}</Badge>
          </Group>
          {submission.studentName && (
            <Text size="sm" c="dimmed">
              Name given: {submission.studentName}
            </Text>
          )}
          {submission.match.candidates.length > 0 && (
            <Group gap="xs">
              <Text size="sm">Could be:</Text>
              {submission.match.candidates.map((candidate) => (
                <Button key={candidate.studentId} size="compact-sm" variant="default" onClick={() => assign.mutate(candidate.studentId)} aria-label={`This is ${candidate.name}'s work`}>
                  {candidate.name}
                </Button>
              ))}
            </Group>
          )}
          <Group align="flex-end" gap="xs">
            <Select
              label="Student"
              placeholder="Choose from the roster"
              searchable
              data={students.map((student) => ({ value: student.id, label: student.studentId ? `${student.name} (${student.studentId})` : student.name }))}
              value={studentId}
              onChange={setStudentId}
              nothingFoundMessage="No student has that name"
              style={{ flexGrow: 1 }}
            />
            <Button onClick={() => studentId && assign.mutate(studentId)} disabled={!studentId} loading={assign.isPending}>
              Assign
            </Button>
          </Group>
          {assign.isError && <ErrorAlert error={assign.error} title="Not assigned" />}
        </Stack>
      </Group>
    </Card>
  );
}

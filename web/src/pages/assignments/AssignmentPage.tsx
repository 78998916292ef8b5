import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatPoints } from '../../components/format';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { ASSIGNMENT_MOVES, ASSIGNMENT_STATUS, type AssignmentStatus } from '../../components/status';
import { AssignmentForm } from './AssignmentForm';
import { useAssignment } from './queries';

type AssignmentDto = Schemas['AssignmentDto'];

export default function AssignmentPage() {
  const { assignmentId = '' } = useParams();
  const assignment = useAssignment(assignmentId);
  return (
    <QueryState query={assignment} what="assignment">
      {(data) => <AssignmentView assignment={data} />}
    </QueryState>
  );
}

function AssignmentView({ assignment }: { assignment: AssignmentDto }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const schoolClass = useQuery({ queryKey: ['class', assignment.classId], queryFn: () => unwrap(api.GET('/api/classes/{id}', { params: { path: { id: assignment.classId } } })) });
  const changeStatus = useMutation({
    mutationFn: (status: AssignmentStatus) =>
      unwrap(api.POST('/api/assignments/{id}/status', { params: { path: { id: assignment.id }, header: { 'If-Match': String(assignment.version) } }, body: { status } })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['assignment', updated.id], updated);
      notifications.show({ color: 'green', message: `"${updated.title}" is now ${ASSIGNMENT_STATUS[updated.status].label.toLowerCase()}.` });
      await queryClient.invalidateQueries({ queryKey: ['assignments', assignment.classId] });
    },
  });
  const status = ASSIGNMENT_STATUS[assignment.status];
  const moves = ASSIGNMENT_MOVES[assignment.status];

  return (
    <Page
      title={assignment.title}
      above={
        <Anchor component={Link} to={`/classes/${assignment.classId}?tab=assignments`} size="sm">
          ← {schoolClass.data?.name ?? 'Class'}
        </Anchor>
      }
      actions={
        !editing &&
        assignment.status !== 'archived' && (
          <Button variant="default" onClick={() => setEditing(true)}>
            Edit
          </Button>
        )
      }
    >
      <Card withBorder padding="md" component="section" aria-labelledby="status-heading">
        <Group justify="space-between" align="center">
          <Group gap="sm">
            <Title order={2} size="h4" id="status-heading">
              Status
            </Title>
            <Badge color={status.color} size="lg">
              {status.label}
            </Badge>
          </Group>
          <Group gap="sm">
            {moves.map((move) => (
              <Button
                key={move.to}
                variant={move.to === 'active' ? 'filled' : 'default'}
                onClick={() => changeStatus.mutate(move.to)}
                loading={changeStatus.isPending && changeStatus.variables === move.to}
                title={move.help}
              >
                {move.label}
              </Button>
            ))}
          </Group>
        </Group>
        {moves.length > 0 && (
          <Text size="sm" c="dimmed" mt="xs">
            {moves.map((move) => `${move.label}: ${move.help}`).join(' ')}
          </Text>
        )}
        {changeStatus.isError && <ErrorAlert error={changeStatus.error} title="The status did not change" />}
      </Card>

      {editing ? (
        <AssignmentForm
          existing={assignment}
          submitLabel="Save changes"
          onCancel={() => setEditing(false)}
          onSubmit={async (fields) => {
            // Sending the same rubric again would move the assignment to the rubric's newest version.
            const { gradingMode: _mode, rubricId, ...rest } = fields;
            const changes = rubricId !== undefined && rubricId !== assignment.rubricId ? { ...rest, rubricId } : rest;
            const updated = await unwrap(api.PATCH('/api/assignments/{id}', { params: { path: { id: assignment.id }, header: { 'If-Match': String(assignment.version) } }, body: changes }));
            queryClient.setQueryData(['assignment', updated.id], updated);
            await queryClient.invalidateQueries({ queryKey: ['assignments', assignment.classId] });
            notifications.show({ color: 'green', message: 'Changes saved.' });
            setEditing(false);
          }}
        />
      ) : (
        <Details assignment={assignment} />
      )}
      <Work assignment={assignment} />
    </Page>
  );
}

function Details({ assignment }: { assignment: AssignmentDto }) {
  const rubric = useQuery({
    queryKey: ['rubric-version', assignment.rubricId, assignment.rubricVersion],
    queryFn: () => unwrap(api.GET('/api/rubrics/{id}/versions/{version}', { params: { path: { id: assignment.rubricId!, version: assignment.rubricVersion! } } })),
    enabled: assignment.gradingMode === 'rubric' && assignment.rubricId !== null && assignment.rubricVersion !== null,
  });
  const key = assignment.answerKeyData;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="details-heading">
      <Title order={2} size="h4" id="details-heading" mb="sm">
        Details
      </Title>
      <Stack gap="xs">
        <Text size="sm">
          <strong>Due:</strong> {formatDateTime(assignment.dueDate)}
        </Text>
        <Text size="sm">
          <strong>Graded with:</strong>{' '}
          {assignment.gradingMode === 'rubric' ? (
            <>
              <Anchor component={Link} to={`/rubrics/${assignment.rubricId}`}>
                {rubric.data?.name ?? 'the rubric'}
              </Anchor>
              , version {assignment.rubricVersion}
              {rubric.data && ` (${rubric.data.criteria.length} criteria, ${formatPoints(rubric.data.maxPoints)} points)`}
            </>
          ) : key ? (
            `an answer key of ${key.total_questions} questions (${key.type}), ${formatPoints(key.points_per_question)} points each unless set per question`
          ) : (
            'an answer key'
          )}
        </Text>
        <Text size="sm">
          <strong>Automatic approval:</strong> {assignment.autoApproveThreshold === null ? 'off (every AI grade is reviewed)' : `AI grades with confidence ${assignment.autoApproveThreshold} or more`}
        </Text>
        {assignment.instructions && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            <strong>Instructions:</strong> {assignment.instructions}
          </Text>
        )}
        {key && (
          <Table withTableBorder mt="xs" aria-label="Answer key">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Question</Table.Th>
                <Table.Th scope="col">Answer</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {key.answers.map((entry, index) => (
                <Table.Tr key={index}>
                  <Table.Td>{index + 1}</Table.Td>
                  <Table.Td>{typeof entry === 'string' ? entry : `${entry.answer}${entry.accept?.length ? ` (also ${entry.accept.join(', ')})` : ''}${entry.tolerance !== undefined ? ` ± ${entry.tolerance}` : ''}`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

/** Where the assignment's work happens: uploads, matching, review, statistics and the gradebook export. */
function Work({ assignment }: { assignment: AssignmentDto }) {
  const submissions = useQuery({
    queryKey: ['submissions', assignment.id, 'count'],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/submissions', { params: { path: { id: assignment.id }, query: { pageSize: 1 } } })),
  });
  const unmatched = useQuery({
    queryKey: ['unmatched', assignment.id, 'count'],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/unmatched', { params: { path: { id: assignment.id }, query: { pageSize: 1 } } })),
  });
  const canUpload = assignment.status === 'active';
  return (
    <section aria-labelledby="work-heading">
      <Title order={2} size="h3" id="work-heading" mb="sm">
        Student work
      </Title>
      {assignment.status === 'draft' && (
        <Alert color="blue" variant="light" mb="sm">
          Activate the assignment to upload student work.
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        <Card withBorder padding="md">
          <Stack gap="xs">
            <Text fw={600}>Upload</Text>
            <Text size="sm" c="dimmed">
              {submissions.data ? `${submissions.data.total} submissions so far.` : 'Photos, scans or a whole-class PDF.'}
            </Text>
            <Button component={Link} to={`/assignments/${assignment.id}/upload`} variant={canUpload ? 'filled' : 'default'} w="fit-content">
              Upload work
            </Button>
          </Stack>
        </Card>
        <Card withBorder padding="md">
          <Stack gap="xs">
            <Text fw={600}>Match pages to students</Text>
            <Text size="sm" c="dimmed">
              {unmatched.data ? (unmatched.data.total === 0 ? 'Every submission has its student.' : `${unmatched.data.total} waiting for a student.`) : 'Work whose student was not recognised.'}
            </Text>
            <Button component={Link} to={`/assignments/${assignment.id}/matching`} variant="default" w="fit-content">
              Open the matching queue
            </Button>
          </Stack>
        </Card>
        <Card withBorder padding="md">
          <Stack gap="xs">
            <Text fw={600}>Review and results</Text>
            <Text size="sm" c="dimmed">
              Approve or edit grades, see the class's results, download the gradebook.
            </Text>
            <Group gap="xs">
              <Button component={Link} to={`/assignments/${assignment.id}/review`} variant="default" size="xs">
                Review grades
              </Button>
              <Button component={Link} to={`/assignments/${assignment.id}/stats`} variant="default" size="xs">
                Statistics
              </Button>
              <Button component="a" href={`/api/assignments/${assignment.id}/grades/export.csv`} download variant="default" size="xs">
                Export grades CSV
              </Button>
            </Group>
          </Stack>
        </Card>
      </SimpleGrid>
    </section>
  );
}

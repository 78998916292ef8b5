import { Alert, Anchor, Badge, Button, Group, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDate } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { QueryState } from '../../components/QueryState';
import { ASSIGNMENT_STATUS, type AssignmentStatus } from '../../components/status';
import { ClassFormModal } from './ClassFormModal';
import { RosterImport } from './RosterImport';
import { StudentFormModal } from './StudentFormModal';

type ClassDto = Schemas['ClassDto'];
type StudentDto = Schemas['StudentDto'];

export default function ClassPage() {
  const { classId = '' } = useParams();
  const schoolClass = useQuery({ queryKey: ['class', classId], queryFn: () => unwrap(api.GET('/api/classes/{id}', { params: { path: { id: classId } } })) });
  return (
    <QueryState query={schoolClass} what="class">
      {(data) => <ClassView schoolClass={data} />}
    </QueryState>
  );
}

function ClassView({ schoolClass }: { schoolClass: ClassDto }) {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, edit] = useDisclosure();
  const [archiving, archive] = useDisclosure();
  const tab = params.get('tab') === 'assignments' ? 'assignments' : 'roster';
  const archived = schoolClass.archivedAt !== null;
  const archiveClass = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/classes/{id}', { params: { path: { id: schoolClass.id }, header: { 'If-Match': String(schoolClass.version) } } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: `${schoolClass.name} was archived.` });
      await queryClient.invalidateQueries({ queryKey: ['classes'] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      await navigate('/');
    },
  });
  const details = [schoolClass.gradeLevel && `Grade ${schoolClass.gradeLevel}`, schoolClass.subject, schoolClass.academicYear].filter(Boolean).join(' · ');

  return (
    <Page
      title={schoolClass.name}
      description={details || undefined}
      above={
        <Anchor component={Link} to="/" size="sm">
          ← All classes
        </Anchor>
      }
      actions={
        !archived && (
          <>
            <Button variant="default" onClick={edit.open}>
              Edit class
            </Button>
            <Button variant="default" color="red" onClick={archive.open}>
              Archive class
            </Button>
          </>
        )
      }
    >
      {archived && (
        <Alert color="gray" title="Archived class">
          This class was archived on {formatDate(schoolClass.archivedAt)}. It is read-only; its roster and history are kept.
        </Alert>
      )}
      <ClassFormModal opened={editing} onClose={edit.close} existing={schoolClass} />
      <ConfirmModal
        opened={archiving}
        onClose={archive.close}
        title={`Archive ${schoolClass.name}?`}
        confirmLabel="Archive class"
        onConfirm={() => archiveClass.mutate()}
        loading={archiveClass.isPending}
        error={archiveClass.error}
      >
        The class disappears from your list and becomes read-only. Its roster, assignments and grades stay on record.
      </ConfirmModal>
      <Tabs value={tab} onChange={(value) => setParams(value === 'assignments' ? { tab: 'assignments' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List aria-label="Class sections">
          <Tabs.Tab value="roster">Roster ({schoolClass.studentCount})</Tabs.Tab>
          <Tabs.Tab value="assignments">Assignments</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="roster" pt="lg">
          <Roster schoolClass={schoolClass} readOnly={archived} />
        </Tabs.Panel>
        <Tabs.Panel value="assignments" pt="lg">
          <Assignments schoolClass={schoolClass} readOnly={archived} />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

function Roster({ schoolClass, readOnly }: { schoolClass: ClassDto; readOnly: boolean }) {
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const [adding, add] = useDisclosure();
  const [editing, setEditing] = useState<StudentDto | null>(null);
  const [removing, setRemoving] = useState<StudentDto | null>(null);
  const pageSize = 50;
  const students = useQuery({
    queryKey: ['students', schoolClass.id, { q, page }],
    queryFn: () => unwrap(api.GET('/api/classes/{id}/students', { params: { path: { id: schoolClass.id }, query: { q: q || undefined, page, pageSize } } })),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (student: StudentDto) => unwrap(api.DELETE('/api/students/{id}', { params: { path: { id: student.id }, header: { 'If-Match': String(student.version) } } })),
    onSuccess: async (_, student) => {
      notifications.show({ color: 'green', message: `${student.name} was removed from the roster.` });
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: ['students', schoolClass.id] });
      await queryClient.invalidateQueries({ queryKey: ['class', schoolClass.id] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <TextInput
          label="Find a student"
          placeholder="Part of a name"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          w={280}
        />
        <Group>
          <Button component="a" href={`/api/classes/${schoolClass.id}/students/export.csv`} download variant="default">
            Export roster CSV
          </Button>
          {!readOnly && <Button onClick={add.open}>Add student</Button>}
        </Group>
      </Group>
      {students.isPending ? (
        <Loading />
      ) : students.isError ? (
        <ErrorAlert error={students.error} title="Could not load the roster" />
      ) : students.data.total === 0 ? (
        <Text c="dimmed">{q ? `No student's name contains "${q}".` : 'No students yet. Add them one by one, or import a roster CSV below.'}</Text>
      ) : (
        <div>
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-label={`Roster of ${schoolClass.name}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Email</Table.Th>
                  <Table.Th scope="col">Student id</Table.Th>
                  {!readOnly && (
                    <Table.Th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {students.data.items.map((student) => (
                  <Table.Tr key={student.id}>
                    <Table.Th scope="row" fw={500}>
                      {student.name}
                    </Table.Th>
                    <Table.Td>{student.email ?? '—'}</Table.Td>
                    <Table.Td>{student.studentId ?? '—'}</Table.Td>
                    {!readOnly && (
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button size="xs" variant="default" onClick={() => setEditing(student)} aria-label={`Edit ${student.name}`}>
                            Edit
                          </Button>
                          <Button size="xs" variant="default" onClick={() => setRemoving(student)} aria-label={`Remove ${student.name}`}>
                            Remove
                          </Button>
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={pageSize} total={students.data.total} onChange={setPage} label="Roster pages" />
        </div>
      )}
      {!readOnly && <RosterImport classId={schoolClass.id} />}
      <StudentFormModal classId={schoolClass.id} opened={adding} onClose={add.close} />
      <StudentFormModal classId={schoolClass.id} student={editing ?? undefined} opened={editing !== null} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={`Remove ${removing?.name ?? 'student'}?`}
        confirmLabel="Remove from roster"
        onConfirm={() => removing && remove.mutate(removing)}
        loading={remove.isPending}
        error={remove.error}
      >
        They leave this class's roster. Work they already submitted and its grades stay on record.
      </ConfirmModal>
    </Stack>
  );
}

function Assignments({ schoolClass, readOnly }: { schoolClass: ClassDto; readOnly: boolean }) {
  const [status, setStatus] = useState<AssignmentStatus | null>(null);
  const [page, setPage] = useState(1);
  const pageSize = 50;
  const assignments = useQuery({
    queryKey: ['assignments', schoolClass.id, { status, page }],
    queryFn: () => unwrap(api.GET('/api/classes/{classId}/assignments', { params: { path: { classId: schoolClass.id }, query: { status: status ?? undefined, page, pageSize } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Select
          label="Status"
          placeholder="All statuses"
          clearable
          value={status}
          onChange={(value) => {
            setStatus(value as AssignmentStatus | null);
            setPage(1);
          }}
          data={Object.entries(ASSIGNMENT_STATUS).map(([value, { label }]) => ({ value, label }))}
          w={220}
        />
        {!readOnly && (
          <Button component={Link} to={`/classes/${schoolClass.id}/assignments/new`}>
            New assignment
          </Button>
        )}
      </Group>
      {assignments.isPending ? (
        <Loading />
      ) : assignments.isError ? (
        <ErrorAlert error={assignments.error} title="Could not load the assignments" />
      ) : assignments.data.total === 0 ? (
        <Text c="dimmed">{status ? 'No assignments in this status.' : 'No assignments yet. Create one to start collecting and grading work.'}</Text>
      ) : (
        <div>
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-label={`Assignments of ${schoolClass.name}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Title</Table.Th>
                  <Table.Th scope="col">Graded with</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Due</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {assignments.data.items.map((assignment) => (
                  <Table.Tr key={assignment.id}>
                    <Table.Th scope="row" fw={500}>
                      <Anchor component={Link} to={`/assignments/${assignment.id}`}>
                        {assignment.title}
                      </Anchor>
                    </Table.Th>
                    <Table.Td>{assignment.gradingMode === 'rubric' ? `Rubric (version ${assignment.rubricVersion ?? '?'})` : 'Answer key'}</Table.Td>
                    <Table.Td>
                      <Badge color={ASSIGNMENT_STATUS[assignment.status].color}>{ASSIGNMENT_STATUS[assignment.status].label}</Badge>
                    </Table.Td>
                    <Table.Td>{formatDate(assignment.dueDate)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={pageSize} total={assignments.data.total} onChange={setPage} label="Assignment pages" />
        </div>
      )}
    </Stack>
  );
}

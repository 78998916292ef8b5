import { Anchor, Badge, Button, Card, SimpleGrid, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { plural } from '../../components/format';
import { ClassFormModal } from './ClassFormModal';

/** Per-class counts of the dashboard projection. */
type DashboardClass = Schemas['DashboardClassDto'];

function Stat({ label, value, emphasis = false }: { label: string; value: number; emphasis?: boolean }) {
  return (
    <Card withBorder padding="md" bg={emphasis && value > 0 ? 'orange.0' : undefined} style={emphasis && value > 0 ? { borderColor: 'var(--mantine-color-orange-7)' } : undefined}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={700} component="p" m={0}>
        {value}
      </Text>
    </Card>
  );
}

/** The teacher's start page: what is waiting first, then their classes. */
export default function DashboardPage() {
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure();
  const dashboard = useQuery({ queryKey: ['dashboard'], queryFn: () => unwrap(api.GET('/api/dashboard')) });
  const classes = useQuery({ queryKey: ['classes', 'all'], queryFn: () => unwrap(api.GET('/api/classes', { params: { query: { pageSize: 200 } } })) });

  const tallies = new Map<string, DashboardClass>((dashboard.data?.classes ?? []).map((tally) => [tally.classId, tally]));
  const rows = (classes.data?.items ?? [])
    .map((item) => ({ item, tally: tallies.get(item.id) }))
    .sort((a, b) => (b.tally?.pending ?? 0) - (a.tally?.pending ?? 0) || a.item.name.localeCompare(b.item.name));

  return (
    <Page
      title="Your classes"
      description="What is waiting for you comes first."
      actions={<Button onClick={open}>New class</Button>}
    >
      <ClassFormModal opened={creating} onClose={close} onSaved={(saved) => void navigate(`/classes/${saved.id}`)} />
      {dashboard.isError && <ErrorAlert error={dashboard.error} title="Could not load your summary" />}
      {dashboard.data && (
        <section aria-labelledby="summary-heading">
          <Text id="summary-heading" component="h2" className="visually-hidden">
            Summary
          </Text>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
            <Stat label="Waiting to be graded" value={dashboard.data.pendingSubmissions} emphasis />
            <Stat label="Submissions" value={dashboard.data.totalSubmissions} />
            <Stat label="Classes" value={dashboard.data.totalClasses} />
            <Stat label="Students" value={dashboard.data.totalStudents} />
            <Stat label="Assignments" value={dashboard.data.totalAssignments} />
          </SimpleGrid>
        </section>
      )}
      <section aria-labelledby="classes-heading">
        <Text id="classes-heading" component="h2" fw={600} fz="lg" mb="xs">
          Classes
        </Text>
        {classes.isPending ? (
          <Loading />
        ) : classes.isError ? (
          <ErrorAlert error={classes.error} title="Could not load your classes" />
        ) : rows.length === 0 ? (
          <Card withBorder padding="lg">
            <Text>You have no classes yet. Create one, then add its students by hand or import a roster CSV.</Text>
            <Button mt="md" onClick={open} w="fit-content">
              Create your first class
            </Button>
          </Card>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Class</Table.Th>
                  <Table.Th scope="col">Grade</Table.Th>
                  <Table.Th scope="col">Subject</Table.Th>
                  <Table.Th scope="col">Students</Table.Th>
                  <Table.Th scope="col">Assignments</Table.Th>
                  <Table.Th scope="col">Waiting</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map(({ item, tally }) => (
                  <Table.Tr key={item.id}>
                    <Table.Th scope="row" fw={500}>
                      <Anchor component={Link} to={`/classes/${item.id}`}>
                        {item.name}
                      </Anchor>
                    </Table.Th>
                    <Table.Td>{item.gradeLevel ?? '—'}</Table.Td>
                    <Table.Td>{item.subject ?? '—'}</Table.Td>
                    <Table.Td>{item.studentCount}</Table.Td>
                    <Table.Td>{tally?.assignments ?? 0}</Table.Td>
                    <Table.Td>{tally?.pending ? <Badge color="orange.9">{plural(tally.pending, 'to grade', 'to grade')}</Badge> : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
    </Page>
  );
}

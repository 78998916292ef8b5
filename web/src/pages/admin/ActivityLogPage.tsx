import { Alert, Autocomplete, Badge, Button, Card, Code, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, queryString, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';

type Verification = Schemas['AuditVerificationDto'];

interface Filters {
  userId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
}

/** The dotted action names the modules record (an admin may also type any other). */
const ACTIONS = [
  'user.login', 'user.login_denied', 'user.logout', 'user.create', 'user.role_change', 'user.disable', 'user.enable',
  'api_token.create', 'api_token.revoke', 'school.create', 'school.update',
  'class.create', 'class.update', 'class.archive', 'class.reassign', 'student.create', 'student.update', 'student.delete', 'roster.import', 'roster.oneroster_import',
  'rubric.create', 'rubric.update', 'rubric.delete', 'assignment.create', 'assignment.update', 'assignment.status_change',
  'submission.upload', 'submission.match', 'submission.pages_rendered', 'submission.status_change',
  'grade.create', 'grade.edit', 'grade.approve', 'grading_batch.create', 'grading_batch.submit', 'grading_batch.end',
];
const RESOURCE_TYPES = ['user', 'api_token', 'school', 'class', 'student', 'roster', 'rubric', 'assignment', 'submission', 'grade', 'grading_batch'];

/** A date picked as "to" includes that whole day: the API's `to` is exclusive. */
function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function toQuery(filters: Filters) {
  return { ...filters, to: filters.to ? dayAfter(filters.to) : undefined };
}

export default function ActivityLogPage() {
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  /** Cursors of the pages before the current one (the first page has none). */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [limit, setLimit] = useState(50);

  const users = useQuery({ queryKey: ['users', 'all'], queryFn: () => unwrap(api.GET('/api/users', { params: { query: { pageSize: 200 } } })) });
  const emails = new Map((users.data?.items ?? []).map((user) => [user.id, user.email]));
  const logs = useQuery({
    queryKey: ['activity-logs', filters, limit, cursor],
    queryFn: () => unwrap(api.GET('/api/activity-logs', { params: { query: { ...toQuery(filters), limit, cursor } } })),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/audit/verify')) });
  const filterErrors = fieldErrors(logs.error);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const cleaned = Object.fromEntries(Object.entries(draft).filter(([, value]) => value && value.trim() !== '').map(([key, value]) => [key, value!.trim()])) as Filters;
    setFilters(cleaned);
    setCursors([undefined]);
  };
  const clear = () => {
    setDraft({});
    setFilters({});
    setCursors([undefined]);
  };
  const set = (key: keyof Filters) => (value: string | null) => setDraft((current) => ({ ...current, [key]: value ?? undefined }));

  return (
    <Page
      title="Activity log"
      description="Everything that happened, newest first. Entries hold ids and changed values, never students' names or work."
      actions={
        <>
          <Button component="a" href={`/api/activity-logs/export.csv${queryString(toQuery(filters))}`} download variant="default">
            Export CSV
          </Button>
          <Button onClick={() => verify.mutate()} loading={verify.isPending}>
            Verify integrity
          </Button>
        </>
      }
    >
      <div aria-live="polite">
        {verify.isError && <ErrorAlert error={verify.error} title="The check could not run" />}
        {verify.data && <VerificationResult result={verify.data} />}
      </div>

      <Card withBorder padding="md" component="form" onSubmit={apply} aria-label="Filter the activity log">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <Select
            label="User"
            placeholder="Anyone"
            searchable
            clearable
            data={(users.data?.items ?? []).map((user) => ({ value: user.id, label: user.name ? `${user.name} (${user.email})` : user.email }))}
            value={draft.userId ?? null}
            onChange={set('userId')}
            nothingFoundMessage="No user matches"
          />
          <Autocomplete label="Action" placeholder="For example user.login" data={ACTIONS} value={draft.action ?? ''} onChange={set('action')} error={filterErrors.action} />
          <Select label="Resource type" placeholder="Any" clearable searchable data={RESOURCE_TYPES} value={draft.resourceType ?? null} onChange={set('resourceType')} />
          <TextInput label="Resource id" placeholder="A UUID" value={draft.resourceId ?? ''} onChange={(e) => set('resourceId')(e.currentTarget.value)} error={filterErrors.resourceId} />
          <TextInput label="From (UTC date)" type="date" value={draft.from ?? ''} onChange={(e) => set('from')(e.currentTarget.value)} error={filterErrors.from} />
          <TextInput label="Up to and including (UTC date)" type="date" value={draft.to ?? ''} onChange={(e) => set('to')(e.currentTarget.value)} error={filterErrors.to} />
        </SimpleGrid>
        <Group mt="md">
          <Button type="submit">Apply filters</Button>
          <Button variant="default" onClick={clear}>
            Clear
          </Button>
        </Group>
      </Card>

      {logs.isPending ? (
        <Loading />
      ) : logs.isError ? (
        <ErrorAlert error={logs.error} title="Could not load the activity log" />
      ) : (
        <Stack gap="sm">
          {logs.data.items.length === 0 ? (
            <Text c="dimmed">No activity matches these filters.</Text>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table striped aria-label="Activity log entries" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">When</Table.Th>
                    <Table.Th scope="col">Who</Table.Th>
                    <Table.Th scope="col">Action</Table.Th>
                    <Table.Th scope="col">Resource</Table.Th>
                    <Table.Th scope="col">Details</Table.Th>
                    <Table.Th scope="col">Sealed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {logs.data.items.map((item) => (
                    <Table.Tr key={item.position}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(item.createdAt)}</Table.Td>
                      <Table.Td>{item.userId ? (emails.get(item.userId) ?? <Code>{item.userId.slice(0, 8)}</Code>) : <Text span c="dimmed" size="sm">system</Text>}</Table.Td>
                      <Table.Td>
                        <Code>{item.action}</Code>
                      </Table.Td>
                      <Table.Td>
                        {item.resourceType ?? '—'}
                        {item.resourceId && (
                          <Tooltip label={item.resourceId}>
                            <Code ml={4} tabIndex={0} aria-label={`id ${item.resourceId}`}>
                              {item.resourceId.slice(0, 8)}
                            </Code>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td maw={360}>
                        <Metadata metadata={item.metadata} />
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap', width: 1 }}>{item.sealed ? <Badge color="green.9" style={{ overflow: 'visible' }}>sealed</Badge> : <Badge color="gray.7" style={{ overflow: 'visible' }}>pending</Badge>}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group justify="space-between">
            <Group gap="sm">
              <Text size="sm" c="dimmed" aria-live="polite">
                Page {cursors.length}
                {logs.isFetching ? ' (loading…)' : ''}
              </Text>
              <Select
                aria-label="Entries per page"
                data={['25', '50', '100', '200']}
                value={String(limit)}
                onChange={(value) => {
                  setLimit(Number(value ?? 50));
                  setCursors([undefined]);
                }}
                allowDeselect={false}
                w={90}
                size="xs"
              />
            </Group>
            <nav aria-label="Activity log pages">
              <Group gap="sm">
                <Button variant="default" disabled={cursors.length === 1} onClick={() => setCursors((current) => current.slice(0, -1))}>
                  Newer
                </Button>
                <Button variant="default" disabled={!logs.data.nextCursor} onClick={() => setCursors((current) => [...current, logs.data.nextCursor ?? undefined])}>
                  Older
                </Button>
              </Group>
            </nav>
          </Group>
        </Stack>
      )}
    </Page>
  );
}

/** An entry's ids and changed values: a short preview, the rest on demand (native, keyboard-operable disclosure). */
function Metadata({ metadata }: { metadata: Record<string, unknown> }) {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return <>—</>;
  const show = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 40 ? `${text.slice(0, 39)}…` : text;
  };
  const preview = entries.filter(([key]) => !/Id$|^id$/.test(key)).slice(0, 3);
  return (
    <details>
      <summary style={{ cursor: 'pointer' }}>
        <Text span size="xs" ff="monospace">
          {(preview.length ? preview : entries.slice(0, 2)).map(([key, value]) => `${key}: ${show(value)}`).join(', ')}
          {entries.length > 3 ? ` (+${entries.length - Math.min(3, preview.length || 2)})` : ''}
        </Text>
      </summary>
      <Code block mt={4} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {JSON.stringify(metadata, null, 2)}
      </Code>
    </details>
  );
}

const PROBLEMS: Record<NonNullable<Verification['problem']>, string> = {
  event_changed: 'An entry was changed after it was recorded.',
  event_missing: 'An entry was deleted.',
  chain_altered: 'The chain of fingerprints was altered.',
  event_unchained: 'An entry was added outside the normal write path.',
};

function VerificationResult({ result }: { result: Verification }) {
  if (result.ok) {
    return (
      <Alert color="green" variant="light" title="The activity log is intact" role="status">
        <Text size="sm">
          All {result.checkedEvents} sealed entries match their fingerprints{result.sealedThroughPosition ? `, through position ${result.sealedThroughPosition}` : ''}.
          {result.unsealedEvents > 0 && ` ${result.unsealedEvents} newer entries are not sealed yet (they are within a second or two).`}
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" title="The activity log does not verify" role="alert">
      <Stack gap={4}>
        <Title order={3} size="h5">
          {result.problem ? PROBLEMS[result.problem] : 'A problem was found.'}
        </Title>
        <Text size="sm">First position that does not verify: {result.firstBadPosition ?? 'unknown'}.</Text>
        {result.reason && <Text size="sm">{result.reason}</Text>}
        <Text size="sm">{result.checkedEvents} entries were checked before it.</Text>
      </Stack>
    </Alert>
  );
}

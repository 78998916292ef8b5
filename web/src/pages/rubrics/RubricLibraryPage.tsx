import { Anchor, Button, Group, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { listRubrics, type RubricSummary } from './rubrics-api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDate, formatPoints } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';

export default function RubricLibraryPage() {
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'templates' ? 'templates' : 'mine';
  return (
    <Page
      title="Rubrics"
      description="Your rubrics and the shipped templates. Copy a template to make it your own."
      actions={
        <Button component={Link} to="/rubrics/new">
          New rubric
        </Button>
      }
    >
      <Tabs value={scope} onChange={(value) => setParams(value === 'templates' ? { scope: 'templates' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List aria-label="Rubric collections">
          <Tabs.Tab value="mine">My rubrics</Tabs.Tab>
          <Tabs.Tab value="templates">Templates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="mine" pt="lg">
          <RubricList scope="mine" />
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="lg">
          <RubricList scope="templates" />
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

function RubricList({ scope }: { scope: 'mine' | 'templates' }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const pageSize = 50;
  const rubrics = useQuery({
    queryKey: ['rubrics', scope, { q, page }],
    queryFn: () => listRubrics({ scope, q: q || undefined, page, pageSize }),
    placeholderData: keepPreviousData,
  });
  const copy = useMutation({
    mutationFn: (source: RubricSummary) => unwrap(api.POST('/api/rubrics/{id}/copy', { params: { path: { id: source.id } }, body: {} })),
    onSuccess: async (created) => {
      notifications.show({ color: 'green', message: `"${created.name}" is now in your rubrics.` });
      await queryClient.invalidateQueries({ queryKey: ['rubrics'] });
      queryClient.setQueryData(['rubric', created.id], created);
      await navigate(`/rubrics/${created.id}`);
    },
  });

  return (
    <Stack gap="md">
      <TextInput
        label={scope === 'mine' ? 'Find one of your rubrics' : 'Find a template'}
        placeholder="Words in the name"
        value={search}
        onChange={(e) => {
          setSearch(e.currentTarget.value);
          setPage(1);
        }}
        w={320}
      />
      {copy.isError && <ErrorAlert error={copy.error} title="Could not copy the rubric" />}
      {rubrics.isPending ? (
        <Loading />
      ) : rubrics.isError ? (
        <ErrorAlert error={rubrics.error} title="Could not load the rubrics" />
      ) : rubrics.data.total === 0 ? (
        <Text c="dimmed">
          {q ? `No rubric's name matches "${q}".` : scope === 'mine' ? 'You have no rubrics yet. Copy a template or create a new rubric.' : 'No templates are installed.'}
        </Text>
      ) : (
        <div>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label={scope === 'mine' ? 'My rubrics' : 'Templates'}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Subject</Table.Th>
                  <Table.Th scope="col">Grade</Table.Th>
                  <Table.Th scope="col">Criteria</Table.Th>
                  <Table.Th scope="col">Points</Table.Th>
                  {scope === 'mine' && <Table.Th scope="col">Version</Table.Th>}
                  {scope === 'mine' && <Table.Th scope="col">Changed</Table.Th>}
                  <Table.Th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rubrics.data.items.map((rubric) => (
                  <Table.Tr key={rubric.id}>
                    <Table.Th scope="row" fw={500}>
                      <Anchor component={Link} to={`/rubrics/${rubric.id}`}>
                        {rubric.name}
                      </Anchor>
                    </Table.Th>
                    <Table.Td>{rubric.subject ?? '—'}</Table.Td>
                    <Table.Td>{rubric.gradeLevel ?? '—'}</Table.Td>
                    <Table.Td>{rubric.criteriaCount}</Table.Td>
                    <Table.Td>{formatPoints(rubric.maxPoints)}</Table.Td>
                    {scope === 'mine' && <Table.Td>{rubric.version}</Table.Td>}
                    {scope === 'mine' && <Table.Td>{formatDate(rubric.updatedAt)}</Table.Td>}
                    <Table.Td>
                      <Group justify="flex-end">
                        <Button size="xs" variant="default" onClick={() => copy.mutate(rubric)} loading={copy.isPending && copy.variables?.id === rubric.id} aria-label={`Copy ${rubric.name}`}>
                          Copy
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={pageSize} total={rubrics.data.total} onChange={setPage} label="Rubric pages" />
        </div>
      )}
    </Stack>
  );
}

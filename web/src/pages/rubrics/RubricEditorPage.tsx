import { Alert, Anchor, Badge, Button, Card, Group, Modal, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, type Schemas, unwrap } from '../../api/client';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatPoints } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { CriteriaEditor, CriteriaView } from './CriteriaEditor';
import { type CriterionDraft, newCriterion, rubricErrors, toCriteria, toDrafts } from './criteria';

type RubricDto = Schemas['RubricDto'];

/** /rubrics/new creates a rubric; /rubrics/:id shows a template (to copy) or edits one of yours. */
export default function RubricEditorPage() {
  const { rubricId } = useParams();
  const rubric = useQuery({
    queryKey: ['rubric', rubricId],
    queryFn: () => unwrap(api.GET('/api/rubrics/{id}', { params: { path: { id: rubricId! } } })),
    enabled: rubricId !== undefined,
  });
  if (rubricId === undefined) return <RubricForm />;
  return (
    <QueryState query={rubric} what="rubric">
      {(data) => (data.isTemplate ? <TemplateView rubric={data} /> : <RubricForm key={`${data.id}@${data.version}`} existing={data} />)}
    </QueryState>
  );
}

function BackToLibrary() {
  return (
    <Anchor component={Link} to="/rubrics" size="sm">
      ← Rubric library
    </Anchor>
  );
}

function useCopyRubric() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (source: { id: string }) => unwrap(api.POST('/api/rubrics/{id}/copy', { params: { path: { id: source.id } }, body: {} })),
    onSuccess: async (copy) => {
      notifications.show({ color: 'green', message: `"${copy.name}" is now in your rubrics. Edit it as you like.` });
      await queryClient.invalidateQueries({ queryKey: ['rubrics'] });
      queryClient.setQueryData(['rubric', copy.id], copy);
      await navigate(`/rubrics/${copy.id}`);
    },
  });
}

function TemplateView({ rubric }: { rubric: RubricDto }) {
  const copy = useCopyRubric();
  return (
    <Page
      title={rubric.name}
      description={[rubric.subject, rubric.gradeLevel && `Grade ${rubric.gradeLevel}`, `${formatPoints(rubric.maxPoints)} points`].filter(Boolean).join(' · ')}
      above={<BackToLibrary />}
      actions={
        <Button onClick={() => copy.mutate(rubric)} loading={copy.isPending}>
          Copy to my rubrics
        </Button>
      }
    >
      <Alert color="blue" variant="light" title="A shipped template">
        Templates cannot be edited. Copy it to make your own version you can change.
      </Alert>
      {copy.isError && <ErrorAlert error={copy.error} title="Could not copy the template" />}
      {rubric.description && <Text>{rubric.description}</Text>}
      <CriteriaView criteria={rubric.criteria} />
    </Page>
  );
}

function RubricForm({ existing }: { existing?: RubricDto }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [subject, setSubject] = useState(existing?.subject ?? '');
  const [gradeLevel, setGradeLevel] = useState(existing?.gradeLevel ?? '');
  const [criteria, setCriteria] = useState<CriterionDraft[]>(() => (existing ? toDrafts(existing.criteria) : [newCriterion([])]));
  const [deleting, del] = useDisclosure();
  const copy = useCopyRubric();

  const save = useMutation({
    mutationFn: () => {
      const body = { name, description: description.trim() || null, subject: subject.trim() || null, gradeLevel: gradeLevel.trim() || null, criteria: toCriteria(criteria) };
      return existing
        ? unwrap(api.PATCH('/api/rubrics/{id}', { params: { path: { id: existing.id }, header: { 'If-Match': String(existing.version) } }, body }))
        : unwrap(api.POST('/api/rubrics', { body }));
    },
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: existing ? `Saved as version ${saved.version}.` : `"${saved.name}" was created.` });
      await queryClient.invalidateQueries({ queryKey: ['rubrics'] });
      await queryClient.invalidateQueries({ queryKey: ['rubric-versions', saved.id] });
      queryClient.setQueryData(['rubric', saved.id], saved);
      if (!existing) await navigate(`/rubrics/${saved.id}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/rubrics/{id}', { params: { path: { id: existing!.id } } })),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: `"${existing!.name}" was deleted.` });
      await queryClient.invalidateQueries({ queryKey: ['rubrics'] });
      await navigate('/rubrics');
    },
  });

  const details = save.error instanceof ApiError ? save.error.details : [];
  const errors = rubricErrors(details);
  const conflict = save.error instanceof ApiError && save.error.status === 409;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <Page
      title={existing ? existing.name : 'New rubric'}
      description={existing ? `Version ${existing.version} · last changed ${formatDateTime(existing.updatedAt)} · every save makes a new version` : 'Criteria with levels; grades are scored on one level of each criterion.'}
      above={<BackToLibrary />}
      actions={
        existing && (
          <>
            <Button variant="default" onClick={() => copy.mutate(existing)} loading={copy.isPending}>
              Make a copy
            </Button>
            <Button variant="default" color="red" onClick={del.open}>
              Delete
            </Button>
          </>
        )
      }
    >
      <form onSubmit={submit} noValidate aria-label={existing ? `Edit ${existing.name}` : 'New rubric'}>
        <Stack gap="lg">
          <Card withBorder padding="md">
            <Stack gap="sm">
              <TextInput label="Rubric name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.get('name')?.join('; ')} />
              <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.get('description')?.join('; ')} />
              <Group grow>
                <TextInput label="Subject" description="Math, ELA, Science" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={errors.get('subject')?.join('; ')} />
                <TextInput label="Grade level" description='"3rd", "6th-8th"' value={gradeLevel} onChange={(e) => setGradeLevel(e.currentTarget.value)} error={errors.get('gradeLevel')?.join('; ')} />
              </Group>
            </Stack>
          </Card>
          <CriteriaEditor value={criteria} onChange={setCriteria} errors={errors} />
          {save.isError &&
            (conflict ? (
              <Alert color="orange" title="Someone else changed this rubric" role="alert">
                <Stack gap="xs" align="flex-start">
                  <Text size="sm">It was saved as a newer version while you were editing. Reload to see it; your changes here are not saved.</Text>
                  <Button size="xs" variant="default" onClick={() => void queryClient.invalidateQueries({ queryKey: ['rubric', existing?.id] })}>
                    Reload the rubric
                  </Button>
                </Stack>
              </Alert>
            ) : details.length > 0 ? (
              <Alert color="red" title="The rubric was not saved" role="alert">
                {details.length === 1 ? 'There is 1 problem, shown beside its field.' : `There are ${details.length} problems, shown beside their fields.`}
              </Alert>
            ) : (
              <ErrorAlert error={save.error} title="The rubric was not saved" />
            ))}
          <Group>
            <Button type="submit" loading={save.isPending}>
              {existing ? 'Save as a new version' : 'Create rubric'}
            </Button>
            {!existing && (
              <Button variant="default" component={Link} to="/rubrics">
                Cancel
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      {existing && <VersionHistory rubric={existing} />}
      {existing && (
        <ConfirmModal opened={deleting} onClose={del.close} title={`Delete "${existing.name}"?`} confirmLabel="Delete rubric" onConfirm={() => remove.mutate()} loading={remove.isPending} error={remove.error}>
          It leaves your library. Grades already scored with it keep the version they used.
        </ConfirmModal>
      )}
    </Page>
  );
}

function VersionHistory({ rubric }: { rubric: RubricDto }) {
  const [viewing, setViewing] = useState<number | null>(null);
  const versions = useQuery({
    queryKey: ['rubric-versions', rubric.id],
    queryFn: () => unwrap(api.GET('/api/rubrics/{id}/versions', { params: { path: { id: rubric.id } } })),
  });
  const version = useQuery({
    queryKey: ['rubric-version', rubric.id, viewing],
    queryFn: () => unwrap(api.GET('/api/rubrics/{id}/versions/{version}', { params: { path: { id: rubric.id, version: viewing! } } })),
    enabled: viewing !== null,
  });
  return (
    <section aria-labelledby="versions-heading">
      <Title order={2} size="h3" id="versions-heading" mb="sm">
        Version history
      </Title>
      {versions.isPending ? (
        <Loading />
      ) : versions.isError ? (
        <ErrorAlert error={versions.error} title="Could not load the versions" />
      ) : (
        <Table striped aria-labelledby="versions-heading">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Version</Table.Th>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Criteria</Table.Th>
              <Table.Th scope="col">Points</Table.Th>
              <Table.Th scope="col">Saved</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...versions.data.items].reverse().map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  {item.version} {item.version === versions.data.currentVersion && <Badge ml="xs">current</Badge>}
                </Table.Td>
                <Table.Td>{item.name}</Table.Td>
                <Table.Td>{item.criteriaCount}</Table.Td>
                <Table.Td>{formatPoints(item.maxPoints)}</Table.Td>
                <Table.Td>{formatDateTime(item.createdAt)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="default" onClick={() => setViewing(item.version)} aria-label={`View version ${item.version}`}>
                    View
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title={`Version ${viewing ?? ''}`} size="xl">
        {version.isPending ? (
          <Loading />
        ) : version.isError ? (
          <ErrorAlert error={version.error} />
        ) : (
          <Stack>
            <Text fw={500}>
              {version.data.name} · {formatPoints(version.data.maxPoints)} points · saved {formatDateTime(version.data.createdAt)}
            </Text>
            <CriteriaView criteria={version.data.criteria} />
          </Stack>
        )}
      </Modal>
    </section>
  );
}

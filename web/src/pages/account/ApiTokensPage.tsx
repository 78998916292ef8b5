import { Alert, Button, Card, Code, CopyButton, Group, Modal, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Schemas, unwrap } from '../../api/client';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';

type ApiTokenDto = Schemas['ApiTokenDto'];

export default function ApiTokensPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>('');
  const [created, setCreated] = useState<Schemas['CreatedApiTokenDto'] | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenDto | null>(null);
  const tokens = useQuery({ queryKey: ['api-tokens'], queryFn: () => unwrap(api.GET('/api/auth/tokens', { params: { query: { pageSize: 200 } } })) });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/tokens', { body: { name, expiresInDays: typeof days === 'number' ? days : undefined } })),
    onSuccess: async (token) => {
      setCreated(token);
      setName('');
      setDays('');
      await queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiTokenDto) => unwrap(api.DELETE('/api/auth/tokens/{id}', { params: { path: { id: token.id } } })),
    onSuccess: async (_, token) => {
      notifications.show({ color: 'green', message: `"${token.name}" was revoked; it stopped working.` });
      setRevoking(null);
      await queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });
  const errors = fieldErrors(create.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <Page title="API tokens" description="For scripts and integrations: send a token as Authorization: Bearer <token>. Each one acts as you.">
      <Card withBorder padding="md" component="form" onSubmit={submit} aria-labelledby="new-token-heading" noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="new-token-heading">
            Create a token
          </Title>
          <Group align="flex-start">
            <TextInput label="What it is for" placeholder="gradebook sync" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} w={300} />
            <NumberInput label="Expires after (days)" description="1 to 365; empty: until revoked" min={1} max={365} value={days} onChange={setDays} error={errors.expiresInDays} w={220} />
          </Group>
          {create.isError && Object.keys(errors).length === 0 && <ErrorAlert error={create.error} title="The token was not created" />}
          <Button type="submit" loading={create.isPending} w="fit-content">
            Create token
          </Button>
        </Stack>
      </Card>

      <section aria-labelledby="tokens-heading">
        <Title order={2} size="h4" id="tokens-heading" mb="sm">
          Your tokens
        </Title>
        {tokens.isPending ? (
          <Loading />
        ) : tokens.isError ? (
          <ErrorAlert error={tokens.error} title="Could not load your tokens" />
        ) : tokens.data.items.length === 0 ? (
          <Text c="dimmed">You have no tokens.</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-labelledby="tokens-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Starts with</Table.Th>
                  <Table.Th scope="col">Created</Table.Th>
                  <Table.Th scope="col">Last used</Table.Th>
                  <Table.Th scope="col">Expires</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.data.items.map((token) => (
                  <Table.Tr key={token.id}>
                    <Table.Th scope="row" fw={500}>
                      {token.name}
                    </Table.Th>
                    <Table.Td>
                      <Code>{token.tokenPrefix}…</Code>
                    </Table.Td>
                    <Table.Td>{formatDateTime(token.createdAt)}</Table.Td>
                    <Table.Td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'never'}</Table.Td>
                    <Table.Td>{token.expiresAt ? formatDateTime(token.expiresAt) : 'when revoked'}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="default" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>

      <Modal opened={created !== null} onClose={() => setCreated(null)} title="Your new token" size="lg" closeOnClickOutside={false}>
        {created && (
          <Stack>
            <Alert color="orange" variant="light" title="Copy it now">
              This is the only time HandMark shows this token. It keeps only a fingerprint, so it cannot show it again.
            </Alert>
            <Code block aria-label="The new token" data-testid="new-token">
              {created.token}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={created.token}>{({ copied, copy }) => <Button variant="default" onClick={copy}>{copied ? 'Copied' : 'Copy token'}</Button>}</CopyButton>
              <Button onClick={() => setCreated(null)}>I have stored it</Button>
            </Group>
          </Stack>
        )}
      </Modal>
      <ConfirmModal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke "${revoking?.name ?? ''}"?`}
        confirmLabel="Revoke token"
        onConfirm={() => revoking && revoke.mutate(revoking)}
        loading={revoke.isPending}
        error={revoke.error}
      >
        Scripts using it stop working at once. This cannot be undone; create a new token if you need one again.
      </ConfirmModal>
    </Page>
  );
}

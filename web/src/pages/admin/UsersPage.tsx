import { Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';

type UserDto = Schemas['UserDto'];
type Role = UserDto['role'];

const ROLES: Array<{ value: Role; label: string }> = [
  { value: 'teacher', label: 'Teacher' },
  { value: 'admin', label: 'District admin' },
];

export default function UsersPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<Role | null>(null);
  const [page, setPage] = useState(1);
  const [toggling, setToggling] = useState<UserDto | null>(null);
  const pageSize = 50;
  const users = useQuery({
    queryKey: ['users', { q, role, page }],
    queryFn: () => unwrap(api.GET('/api/users', { params: { query: { q: q || undefined, role: role ?? undefined, page, pageSize } } })),
    placeholderData: keepPreviousData,
  });
  const update = useMutation({
    mutationFn: ({ user, change }: { user: UserDto; change: { role?: Role; disabled?: boolean } }) => unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: change })),
    onSuccess: async (updated, { change }) => {
      const who = updated.name ?? updated.email;
      notifications.show({
        color: 'green',
        message: change.role ? `${who} is now ${change.role === 'admin' ? 'a district admin' : 'a teacher'}.` : updated.disabled ? `${who} is disabled and signed out everywhere.` : `${who} can sign in again.`,
      });
      setToggling(null);
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

  return (
    <Page title="Users and roles" description="Everyone who has signed in. Admins see the activity log and manage users; teachers see only their own classes.">
      <Group align="flex-end">
        <TextInput
          label="Find a user"
          placeholder="Part of the name or email"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          w={300}
        />
        <Select
          label="Role"
          placeholder="Any role"
          clearable
          data={ROLES}
          value={role}
          onChange={(value) => {
            setRole(value as Role | null);
            setPage(1);
          }}
          w={200}
        />
      </Group>
      {update.isError && !toggling && <ErrorAlert error={update.error} title="The change was not made" />}
      {users.isPending ? (
        <Loading />
      ) : users.isError ? (
        <ErrorAlert error={users.error} title="Could not load the users" />
      ) : (
        <Stack gap={0}>
          <Table.ScrollContainer minWidth={760}>
            <Table striped aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">User</Table.Th>
                  <Table.Th scope="col">Role</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Last sign-in</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((user) => {
                  const self = user.id === me.id;
                  const who = user.name ?? user.email;
                  return (
                    <Table.Tr key={user.id}>
                      <Table.Th scope="row" fw={400}>
                        <Text size="sm" fw={500}>
                          {user.name ?? '—'} {self && <Badge size="xs">you</Badge>}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {user.email}
                        </Text>
                      </Table.Th>
                      <Table.Td>
                        <Select
                          aria-label={`Role of ${who}`}
                          data={ROLES}
                          value={user.role}
                          allowDeselect={false}
                          disabled={self || update.isPending}
                          onChange={(value) => value && value !== user.role && update.mutate({ user, change: { role: value as Role } })}
                          w={170}
                          size="xs"
                        />
                      </Table.Td>
                      <Table.Td>{user.disabled ? <Badge color="red.9">Disabled</Badge> : <Badge color="green.9">Active</Badge>}</Table.Td>
                      <Table.Td>{formatDateTime(user.lastLoginAt)}</Table.Td>
                      <Table.Td>
                        {!self && (
                          <Button size="xs" variant="default" onClick={() => setToggling(user)} aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${who}`}>
                            {user.disabled ? 'Enable' : 'Disable'}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={pageSize} total={users.data.total} onChange={setPage} label="User pages" />
        </Stack>
      )}
      <ConfirmModal
        opened={toggling !== null}
        onClose={() => {
          setToggling(null);
          update.reset();
        }}
        title={toggling?.disabled ? `Let ${toggling.name ?? toggling.email} sign in again?` : `Disable ${toggling?.name ?? toggling?.email ?? ''}?`}
        confirmLabel={toggling?.disabled ? 'Enable account' : 'Disable account'}
        danger={!toggling?.disabled}
        onConfirm={() => toggling && update.mutate({ user: toggling, change: { disabled: !toggling.disabled } })}
        loading={update.isPending}
        error={update.error}
      >
        {toggling?.disabled
          ? 'They can sign in with Google again, and their API tokens work again.'
          : 'They are signed out everywhere at once, cannot sign in, and their API tokens stop working. Their classes and records stay.'}
      </ConfirmModal>
    </Page>
  );
}

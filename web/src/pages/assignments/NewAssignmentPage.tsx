import { Anchor } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { AssignmentForm } from './AssignmentForm';

export default function NewAssignmentPage() {
  const { classId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const schoolClass = useQuery({ queryKey: ['class', classId], queryFn: () => unwrap(api.GET('/api/classes/{id}', { params: { path: { id: classId } } })) });
  return (
    <QueryState query={schoolClass} what="class">
      {(data) => (
        <Page
          title="New assignment"
          description={`For ${data.name}. It starts as a draft; activate it when you are ready to collect work.`}
          above={
            <Anchor component={Link} to={`/classes/${classId}?tab=assignments`} size="sm">
              ← {data.name}
            </Anchor>
          }
        >
          <AssignmentForm
            submitLabel="Create assignment"
            onCancel={() => void navigate(`/classes/${classId}?tab=assignments`)}
            onSubmit={async (fields) => {
              const created = await unwrap(api.POST('/api/classes/{classId}/assignments', { params: { path: { classId } }, body: fields }));
              notifications.show({ color: 'green', message: `"${created.title}" was created as a draft.` });
              await queryClient.invalidateQueries({ queryKey: ['assignments', classId] });
              await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
              queryClient.setQueryData(['assignment', created.id], created);
              await navigate(`/assignments/${created.id}`);
            }}
          />
        </Page>
      )}
    </QueryState>
  );
}

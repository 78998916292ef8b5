import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/** One assignment (404 for someone else's), shared by the assignment's pages. */
export function useAssignment(assignmentId: string) {
  return useQuery({ queryKey: ['assignment', assignmentId], queryFn: () => unwrap(api.GET('/api/assignments/{id}', { params: { path: { id: assignmentId } } })) });
}

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { ErrorAlert } from './ErrorAlert';
import { Loading } from './Loading';
import { NotFoundPage } from './NotFoundPage';

interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** Names the thing on the not-found page ("class", "rubric"). */
  what?: string;
  children: (data: T) => ReactNode;
}

/** Loading, not found (404: missing or someone else's), another error, or the data. */
export function QueryState<T>({ query, what, children }: QueryStateProps<T>) {
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.notFound) return <NotFoundPage what={what} />;
    return <ErrorAlert error={query.error} title="Could not load this page" />;
  }
  return <>{children(query.data)}</>;
}

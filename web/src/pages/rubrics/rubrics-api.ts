import { api, type Schemas, unwrap } from '../../api/client';

/**
 * GET /api/rubrics answers a page of rubric summaries, but its OpenAPI document has no response
 * schema (the controller returns a generic Page<RubricSummaryDto>); the summary is RubricDto
 * without the criteria.
 */
export type RubricSummary = Omit<Schemas['RubricDto'], 'versionId' | 'criteria'>;
export interface RubricSummaryPage {
  items: RubricSummary[];
  page: number;
  pageSize: number;
  total: number;
}

export async function listRubrics(query: { scope: 'templates' | 'mine' | 'all'; q?: string; page?: number; pageSize?: number }): Promise<RubricSummaryPage> {
  const page: unknown = await unwrap(api.GET('/api/rubrics', { params: { query } }));
  return page as RubricSummaryPage;
}

import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource, IsNull } from 'typeorm';
import { offsetOf, type Page, type PageQuery, toPage } from '../../../common/pagination.js';
import { ApiToken } from '../api-token.entity.js';

export interface ApiTokenSummary {
  id: string;
  name: string;
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

/** The user's tokens that have not been revoked (expired ones included), newest first. Never the secret. */
export class ListApiTokensQuery extends Query<Page<ApiTokenSummary>> {
  constructor(
    readonly userId: string,
    readonly page: PageQuery,
  ) {
    super();
  }
}

@QueryHandler(ListApiTokensQuery)
export class ListApiTokensHandler implements IQueryHandler<ListApiTokensQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ userId, page }: ListApiTokensQuery): Promise<Page<ApiTokenSummary>> {
    const [rows, total] = await this.dataSource.getRepository(ApiToken).findAndCount({
      where: { userId, revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offsetOf(page),
      take: page.pageSize,
    });
    const items = rows.map((row) => ({
      id: row.id,
      name: row.name,
      tokenPrefix: row.tokenPrefix,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
      expiresAt: row.expiresAt,
    }));
    return toPage(items, total, page);
  }
}

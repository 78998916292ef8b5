import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { offsetOf, type Page, type PageQuery, toPage } from '../../../common/pagination.js';
import { type Role, User } from '../user.entity.js';

export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  schoolId: string | null;
  disabled: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  lastLoginAt: Date | null;
}

export function toUserSummary(user: User): UserSummary {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    schoolId: user.schoolId,
    disabled: user.disabledAt !== null,
    disabledAt: user.disabledAt,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
  };
}

export interface UserFilter {
  role?: Role;
  /** Part of the email or name, case-insensitive. */
  q?: string;
}

/** Every user of the district (admins only; the route says so), by email. */
export class ListUsersQuery extends Query<Page<UserSummary>> {
  constructor(
    readonly filter: UserFilter,
    readonly page: PageQuery,
  ) {
    super();
  }
}

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filter, page }: ListUsersQuery): Promise<Page<UserSummary>> {
    const query = this.dataSource.getRepository(User).createQueryBuilder('user');
    if (filter.role) query.andWhere('user.role = :role', { role: filter.role });
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(user.email ILIKE :pattern OR user.name ILIKE :pattern)', { pattern });
    }
    const [rows, total] = await query.orderBy('user.email', 'ASC').skip(offsetOf(page)).take(page.pageSize).getManyAndCount();
    return toPage(rows.map(toUserSummary), total, page);
  }
}

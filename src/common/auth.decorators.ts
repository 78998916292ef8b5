import { SetMetadata } from '@nestjs/common';
export type Role = 'teacher' | 'admin';

export const IS_PUBLIC = 'handmark:public';
export const REQUIRED_ROLES = 'handmark:roles';

/** Opts a route out of the global auth guard. Every use is on the explicit public list in test/e2e/auth-public-routes.e2e-spec.ts. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route to these roles (403 for the others). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

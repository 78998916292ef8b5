import { defineEvent } from '../../../libs/event-store/event.js';

/** Users, schools, sessions and tokens. Payloads never carry emails or names, only ids and roles. */
export const UserCreated = defineEvent<{ userId: string; role: 'teacher' | 'admin'; schoolId: string | null; source: 'google' | 'dev' | 'oneroster' }>({
  type: 'UserCreated',
  action: 'user.create',
  streamType: 'user',
});
export const UserRoleChanged = defineEvent<{ userId: string; from: 'teacher' | 'admin'; to: 'teacher' | 'admin' }>({
  type: 'UserRoleChanged',
  action: 'user.role_change',
  streamType: 'user',
});
export const UserSignedIn = defineEvent<{ userId: string; sessionId: string; method: 'google' | 'dev' }>({
  type: 'UserSignedIn',
  action: 'user.login',
  streamType: 'session',
});
export const UserSignedOut = defineEvent<{ userId: string; sessionId: string }>({
  type: 'UserSignedOut',
  action: 'user.logout',
  streamType: 'session',
});
export const ApiTokenCreated = defineEvent<{ tokenId: string; userId: string }>({
  type: 'ApiTokenCreated',
  action: 'api_token.create',
  streamType: 'api_token',
});
export const ApiTokenRevoked = defineEvent<{ tokenId: string; userId: string }>({
  type: 'ApiTokenRevoked',
  action: 'api_token.revoke',
  streamType: 'api_token',
});
export const SchoolCreated = defineEvent<{ schoolId: string; source: 'oneroster' | 'admin' }>({
  type: 'SchoolCreated',
  action: 'school.create',
  streamType: 'school',
});
export const SchoolUpdated = defineEvent<{ schoolId: string; changed: string[] }>({
  type: 'SchoolUpdated',
  action: 'school.update',
  streamType: 'school',
});

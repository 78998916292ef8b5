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
export const UserDisabled = defineEvent<{ userId: string; sessionsRevoked: number }>({
  type: 'UserDisabled',
  action: 'user.disable',
  streamType: 'user',
});
export const UserEnabled = defineEvent<{ userId: string }>({
  type: 'UserEnabled',
  action: 'user.enable',
  streamType: 'user',
});
export const UserSignedIn = defineEvent<{ userId: string; sessionId: string; method: 'google' | 'dev' }>({
  type: 'UserSignedIn',
  action: 'user.login',
  streamType: 'session',
});
/**
 * A sign-in that was refused (outside domain, unverified email, bad state, IdP error, disabled
 * account). Its own stream per attempt; the payload holds the reason and at most the email's domain.
 */
export const UserLoginDenied = defineEvent<{ reason: SignInDenialReason; domain: string | null }>({
  type: 'UserLoginDenied',
  action: 'user.login_denied',
  streamType: 'sign_in_attempt',
});
export type SignInDenialReason =
  | 'domain_not_allowed'
  | 'email_not_verified'
  | 'account_disabled'
  | 'access_denied'
  | 'invalid_state'
  | 'invalid_request'
  | 'google_error';
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

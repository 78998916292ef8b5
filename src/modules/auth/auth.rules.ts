import type { SignInDenialReason } from './auth.events.js';

/** What Google told us about the person signing in (from the userinfo endpoint). */
export interface GoogleIdentity {
  googleId: string;
  email: string | null;
  emailVerified: boolean;
  /** The Google Workspace domain of the account; absent for consumer Google accounts. */
  hostedDomain: string | null;
  name: string | null;
  avatarUrl: string | null;
}

export function emailDomain(email: string | null | undefined): string | null {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at > 0 ? email.slice(at + 1).toLowerCase() : null;
}

/**
 * Why this Google account may not sign in here, or null when it may. The email's domain must be
 * a district domain, and so must the Workspace domain (`hd`): anyone can register a consumer
 * Google account under a district address they once controlled, but only the district's
 * Workspace issues accounts with its `hd`.
 */
export function googleSignInRefusal(identity: GoogleIdentity, allowedDomains: readonly string[]): SignInDenialReason | null {
  const domain = emailDomain(identity.email);
  if (!domain || !allowedDomains.includes(domain)) return 'domain_not_allowed';
  if (!identity.hostedDomain || !allowedDomains.includes(identity.hostedDomain.toLowerCase())) return 'domain_not_allowed';
  if (!identity.emailVerified) return 'email_not_verified';
  return null;
}

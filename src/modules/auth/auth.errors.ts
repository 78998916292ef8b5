import { DomainError } from '../../../libs/errors/domain-error.js';

export class GoogleSignInNotConfiguredError extends DomainError {
  constructor() {
    super('not_found', 'GOOGLE_SIGN_IN_NOT_CONFIGURED', 'Google sign-in is not configured on this server (it needs GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_ALLOWED_DOMAINS)');
  }
}

export class AccountDisabledError extends DomainError {
  constructor() {
    super('forbidden', 'ACCOUNT_DISABLED', 'This account has been disabled by a district administrator');
  }
}

export class CannotChangeOwnAccessError extends DomainError {
  constructor() {
    super('conflict', 'CANNOT_CHANGE_OWN_ACCESS', 'You cannot remove your own admin role or disable your own account; ask another administrator');
  }
}

export class AdminRoleFromConfigError extends DomainError {
  constructor() {
    super(
      'conflict',
      'ADMIN_ROLE_FROM_CONFIG',
      'This user is listed in ADMIN_EMAILS and would be an admin again at their next sign-in; remove the address from ADMIN_EMAILS first',
    );
  }
}

export class TokenRequiresSessionError extends DomainError {
  constructor() {
    super('forbidden', 'SESSION_REQUIRED', 'API tokens are created from a signed-in browser session, not with another API token');
  }
}

export class GoogleEmailInUseError extends DomainError {
  constructor() {
    super('conflict', 'EMAIL_IN_USE', 'This Google account now uses an email address that another HandMark user already has; ask an administrator to merge the accounts');
  }
}

/** Who is calling, as every route sees it once the token has been checked. */
import type { TokenScopeName } from '@gpuq/job-types';

/** The service role: the service-role key, or a JWT whose role is service_role / supabase_admin. */
export interface ServicePrincipal {
  kind: 'service';
}

/** A user, proven by a Supabase JWT or by one of the user's personal access tokens. */
export interface UserPrincipal {
  kind: 'user';
  /** The JWT's `sub`, or the owner of the personal access token. */
  userId: string;
  /** The JWT's `role` claim (normally `authenticated`); absent for personal access tokens. */
  role?: string;
  via: 'jwt' | 'pat';
  /** When the credential stops working: the JWT's `exp`, or the token's expiry (none: never). */
  expiresAt?: Date;
  /** The personal access token's id (its row), for tokens only. */
  tokenId?: string;
  /** What a personal access token may be used for; JWTs are not scoped. */
  scope?: TokenScopeName;
}

export type Principal = ServicePrincipal | UserPrincipal;

export function isUser(principal: Principal): principal is UserPrincipal {
  return principal.kind === 'user';
}

export function isService(principal: Principal): principal is ServicePrincipal {
  return principal.kind === 'service';
}

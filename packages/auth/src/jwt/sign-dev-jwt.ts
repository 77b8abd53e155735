/**
 * Signs the HS256 tokens a local Supabase would issue, for tests and the demo. Production tokens
 * come from Supabase Auth; nothing in the request path calls this.
 */
import { SignJWT } from 'jose';

export interface DevJwtOptions {
  /** SUPABASE_JWT_SECRET. */
  secret: string;
  /** The `sub` claim; omit for a service-role token. */
  userId?: string;
  /** Default `authenticated`; `service_role` makes a service token. */
  role?: string;
  /** Default `authenticated`. */
  audience?: string;
  /** `<SUPABASE_URL>/auth/v1` when the server checks the issuer. */
  issuer?: string;
  /** Seconds from now, or a jose time span such as `1h`. Default `1h`. */
  expiresIn?: number | string;
  /** Not valid before this many seconds from now. */
  notBeforeIn?: number;
  /** Extra claims (email, app_metadata, ...). */
  claims?: Record<string, unknown>;
}

export async function signDevJwt(options: DevJwtOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims, role: options.role ?? 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setAudience(options.audience ?? 'authenticated');
  const expiresIn = options.expiresIn ?? '1h';
  jwt.setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
  if (options.userId) jwt.setSubject(options.userId);
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.notBeforeIn !== undefined) jwt.setNotBefore(now + options.notBeforeIn);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

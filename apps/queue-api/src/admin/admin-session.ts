/**
 * The admin session cookie: `<userId>.<expiresAt>.<mac>`, HMAC-signed with a server secret. It
 * holds no token, only who signed in and until when; HttpOnly and SameSite=Strict keep scripts and
 * other sites from using it.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@gpuq/callback/signing';

export const ADMIN_COOKIE = 'gpuq_admin';
export const ADMIN_SESSION_SECONDS = 8 * 3600;

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`gpuq-admin:${payload}`).digest('base64url');
}

export function signAdminSession(
  secret: string,
  userId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const payload = `${userId}.${nowSeconds + ADMIN_SESSION_SECONDS}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** The signed-in admin's id, or null for a missing, forged or expired cookie. */
export function verifyAdminSession(
  secret: string,
  cookie: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  if (!cookie) return null;
  const parts = cookie.split('.');
  if (parts.length !== 3) return null;
  const [userId, expiresAt, signature] = parts as [string, string, string];
  if (!constantTimeEqual(mac(secret, `${userId}.${expiresAt}`), signature)) return null;
  return Number(expiresAt) > nowSeconds ? userId : null;
}

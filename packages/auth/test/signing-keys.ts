/** Asymmetric signing keys like a Supabase project's, and tokens signed with them. */
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  /** The public half as published in the JWKS. */
  jwk: JWK;
  /** The public half as PEM, for algorithm-confusion attacks. */
  publicPem: string;
  sign(claims: JWTPayload, options?: { expiresIn?: string | number; kid?: string }): Promise<string>;
}

export async function createSigningKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    jwk,
    publicPem: await exportSPKI(publicKey),
    sign(claims, options = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: options.kid ?? kid, typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '1h')
        .sign(privateKey);
    },
  };
}

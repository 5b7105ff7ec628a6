/**
 * Signs bearer tokens for local use (`ledger token`) with the same secret, algorithm and issuer the
 * server verifies with (@fastify/jwt, which runs on fast-jwt).
 */
import { createSigner } from 'fast-jwt';

export const TOKEN_ALGORITHM = 'HS256';

export function signToken(
  claims: Record<string, unknown>,
  options: { readonly secret: string; readonly issuer: string; readonly expiresInSeconds: number },
): string {
  const sign = createSigner({
    key: options.secret,
    algorithm: TOKEN_ALGORITHM,
    iss: options.issuer,
    expiresIn: options.expiresInSeconds * 1000,
  });
  return sign(claims);
}

/**
 * The registered claims (RFC 7519 §4.1) every bearer token must carry, checked after its signature:
 * `iss` equal to the configured issuer; `iat` and `exp`, at most the configured lifetime apart (a
 * token without `iat` is refused: its lifetime could not be told); `iat` and `nbf` no more than
 * {@link CLOCK_SKEW_SECONDS} ahead of this clock; `exp` not passed. A refusal names the claim, never
 * its value or the token.
 */

/** How far ahead of this clock `iat` and `nbf` may be (the issuer's clock may run fast). */
export const CLOCK_SKEW_SECONDS = 60;

export interface TokenRules {
  readonly issuer: string;
  readonly maxLifetimeSeconds: number;
}

export type RegisteredClaim = 'iss' | 'exp' | 'iat' | 'nbf';

export type ClaimsVerdict =
  | { readonly admitted: true; /** When the token stops being valid, in ms since the epoch. */ readonly expiresAtMs: number }
  | { readonly admitted: false; readonly claim: RegisteredClaim; readonly detail: string };

const refused = (claim: RegisteredClaim, detail: string): ClaimsVerdict => ({ admitted: false, claim, detail });

const numericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function checkRegisteredClaims(payload: Readonly<Record<string, unknown>>, rules: TokenRules, nowMs: number): ClaimsVerdict {
  const now = nowMs / 1000;
  const { iss, exp, iat, nbf } = payload;
  if (iss === undefined) return refused('iss', 'The bearer token has no `iss` claim; it must name this ledger as its issuer.');
  if (iss !== rules.issuer) return refused('iss', 'The bearer token’s `iss` claim does not name this ledger as its issuer.');
  if (exp === undefined) return refused('exp', 'The bearer token has no `exp` claim; every token must say when it expires.');
  if (!numericDate(exp)) return refused('exp', 'The bearer token’s `exp` claim is not a NumericDate (seconds since the epoch).');
  if (iat === undefined) return refused('iat', 'The bearer token has no `iat` claim; every token must say when it was issued.');
  if (!numericDate(iat)) return refused('iat', 'The bearer token’s `iat` claim is not a NumericDate (seconds since the epoch).');
  if (nbf !== undefined && !numericDate(nbf)) return refused('nbf', 'The bearer token’s `nbf` claim is not a NumericDate (seconds since the epoch).');
  if (iat > now + CLOCK_SKEW_SECONDS) {
    return refused('iat', `The bearer token’s \`iat\` claim is more than ${CLOCK_SKEW_SECONDS} s in the future.`);
  }
  if (nbf !== undefined && nbf > now + CLOCK_SKEW_SECONDS) {
    return refused('nbf', `The bearer token’s \`nbf\` claim is more than ${CLOCK_SKEW_SECONDS} s in the future: it is not valid yet.`);
  }
  if (exp - iat > rules.maxLifetimeSeconds) {
    return refused('exp', `The bearer token’s \`exp\` claim is more than ${rules.maxLifetimeSeconds} s after its \`iat\` (LEDGER_JWT_MAX_LIFETIME_SECONDS).`);
  }
  if (exp <= now) return refused('exp', 'The bearer token has expired (its `exp` claim has passed).');
  return { admitted: true, expiresAtMs: exp * 1000 };
}

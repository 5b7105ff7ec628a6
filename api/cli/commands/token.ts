import { parseArgs } from 'node:util';
import { loadOrCreateJwtSecret } from '../../../infrastructure/auth/secrets.js';
import { signToken } from '../../../infrastructure/auth/token-signer.js';
import type { Config } from '../../../infrastructure/config/config.js';
import { claimsSchema } from '../../auth/claims.js';
import { UsageError, type CommandOutput } from '../command.js';

/** A working day: the default lifetime, or LEDGER_JWT_MAX_LIFETIME_SECONDS when that is shorter. */
const EIGHT_HOURS = 8 * 60 * 60;

export async function tokenCommand(args: string[], config: Config): Promise<CommandOutput> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        role: { type: 'string' },
        municipality: { type: 'string' },
        sub: { type: 'string' },
        organisation: { type: 'string' },
        'expires-in': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`token: ${(error as Error).message}`);
  }
  const role = values.role ?? '';
  const claims = claimsSchema.safeParse({
    sub: values.sub ?? `local-${role}`,
    role,
    organisation: values.organisation ?? (values.municipality === undefined ? 'local' : `municipality-${values.municipality}`),
    ...(values.municipality === undefined ? {} : { municipality: values.municipality }),
  });
  if (!claims.success) {
    const issue = claims.error.issues[0];
    const option = issue?.path[0] === 'sub' ? 'sub' : String(issue?.path[0] ?? 'role');
    throw new UsageError(`token: --${option} ${issue?.message ?? 'is invalid'}`);
  }
  const maximum = config.LEDGER_JWT_MAX_LIFETIME_SECONDS;
  const expiresIn = values['expires-in'] === undefined ? Math.min(EIGHT_HOURS, maximum) : Number(values['expires-in']);
  if (!Number.isInteger(expiresIn) || expiresIn < 1) throw new UsageError('token: --expires-in must be a whole number of seconds, at least 1');
  if (expiresIn > maximum) throw new UsageError(`token: --expires-in must be at most ${maximum} seconds (LEDGER_JWT_MAX_LIFETIME_SECONDS)`);
  const secret = loadOrCreateJwtSecret(config.LEDGER_JWT_SECRET, config.dataDir);
  return { exitCode: 0, stdout: signToken(claims.data, { secret, issuer: config.LEDGER_JWT_ISSUER, expiresInSeconds: expiresIn }) };
}

export interface CommandOutput {
  readonly exitCode: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** Bad arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

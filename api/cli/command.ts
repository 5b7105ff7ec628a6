export interface CommandOutput {
  readonly exitCode: number;
  readonly stdout?: string;
  /** Output too large for one string, written line by line as it is produced (an export). */
  readonly lines?: AsyncIterable<string>;
  readonly stderr?: string;
}

/** Bad arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

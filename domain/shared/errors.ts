/**
 * Domain errors are values, never HTTP codes: api/ maps each tag to a problem type and status.
 * `rule` names the rule that refused (it becomes the problem type's slug), and `detail` is a
 * sentence for a person; neither ever carries personal information.
 */
export type DomainError =
  /** The thing the command is about does not exist. */
  | { readonly _tag: 'NotFound'; readonly rule: string; readonly detail: string }
  /** The command does not fit the current state (e.g. issuing twice, leaving `revoked`). */
  | { readonly _tag: 'InvalidTransition'; readonly rule: string; readonly detail: string; readonly conflictsWith?: Readonly<Record<string, unknown>> }
  /** A business rule refuses the command's content (e.g. a key too short, an applicant under 15). */
  | { readonly _tag: 'PolicyViolation'; readonly rule: string; readonly detail: string; readonly field?: string }
  /** The actor may not act on this (e.g. a clerk of another municipality). */
  | { readonly _tag: 'Forbidden'; readonly rule: string; readonly detail: string }
  /** A read model has not yet caught up with the position the caller asked for: retry shortly. */
  | { readonly _tag: 'NotYetConsistent'; readonly rule: string; readonly detail: string; readonly position: string }
  /** Someone else wrote to the stream between our read and our append: retry with fresh state. */
  | { readonly _tag: 'Conflict'; readonly rule: string; readonly detail: string; readonly stream: string };

export const notFound = (rule: string, detail: string): DomainError => ({ _tag: 'NotFound', rule, detail });

export const invalidTransition = (rule: string, detail: string, conflictsWith?: Readonly<Record<string, unknown>>): DomainError => ({
  _tag: 'InvalidTransition',
  rule,
  detail,
  ...(conflictsWith === undefined ? {} : { conflictsWith }),
});

export const policyViolation = (rule: string, detail: string, field?: string): DomainError => ({
  _tag: 'PolicyViolation',
  rule,
  detail,
  ...(field === undefined ? {} : { field }),
});

export const forbidden = (rule: string, detail: string): DomainError => ({ _tag: 'Forbidden', rule, detail });

export const conflict = (stream: string): DomainError => ({
  _tag: 'Conflict',
  rule: 'concurrent-update',
  detail: 'Another command changed this record at the same time; read it again and retry.',
  stream,
});

export const notYetConsistent = (wanted: bigint, reached: bigint): DomainError => ({
  _tag: 'NotYetConsistent',
  rule: 'not-yet-consistent',
  detail: `The read model reflects position ${reached}, not yet ${wanted}; retry shortly.`,
  position: reached.toString(),
});

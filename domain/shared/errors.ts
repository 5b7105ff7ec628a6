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
  | { readonly _tag: 'PolicyViolation'; readonly rule: string; readonly detail: string; readonly field?: string };

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

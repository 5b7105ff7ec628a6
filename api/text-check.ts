/**
 * Text the ledger can hold. Every event is hashed over its RFC 8785 canonical JSON, which cannot
 * carry a lone UTF-16 surrogate (JSON `"\ud800"` parses to one), and nothing a person types into a
 * name, an address or a code has a control character in it. So every string a request brings —
 * body, query and path parameters, object keys included — is checked before validation, once for
 * all routes (a `preValidation` hook in app.ts): a new route is covered without anyone remembering.
 *
 * Refused: lone surrogates, C0 controls (U+0000–U+001F) and DEL (U+007F). TAB, LF and CR are
 * allowed only in the fields that say they run over several lines (`allowsLineBreaks`). A refusal
 * names the field, the first offending character's position (1-based, counted in characters as a
 * person counts them, a surrogate pair being one) and its code point — never the text.
 */
import type { FieldError } from './problems/problem.js';

/** Refusals beyond this many are not listed (a body of a thousand bad strings needs no thousand lines). */
const MAX_VIOLATIONS = 20;

/** A lone surrogate, a C0 control or DEL (without the `u` flag the pattern sees UTF-16 code units). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SUSPECT = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function kindOf(code: number): string {
  if (code >= 0xd800 && code <= 0xdfff) return 'a lone surrogate';
  if (code === TAB) return 'a tab, allowed only in multi-line fields';
  if (code === LF || code === CR) return 'a line break, allowed only in multi-line fields';
  return 'a control character';
}

/** The first character of `text` that is not allowed, described, or undefined when all are. */
export function describeBadText(text: string, lineBreaksAllowed: boolean): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  let position = 0;
  let first: { code: number; position: number } | undefined;
  let more = 0;
  for (const character of text) {
    position += 1;
    const code = character.codePointAt(0) ?? 0;
    const bad =
      (code <= 0x1f && !(lineBreaksAllowed && (code === TAB || code === LF || code === CR))) ||
      code === 0x7f ||
      (code >= 0xd800 && code <= 0xdfff);
    if (!bad) continue;
    if (first === undefined) first = { code, position };
    else more += 1;
  }
  if (first === undefined) return undefined;
  const rest = more === 0 ? '' : `, and ${more} more ${more === 1 ? 'character that is' : 'characters that are'} not allowed`;
  return `contains ${hex(first.code)} (${kindOf(first.code)}) at position ${first.position}${rest}`;
}

/** A place in the walked value: segments are linked to their parent, so deep nesting costs no copies. */
interface Place {
  readonly parent: Place | undefined;
  readonly segment: string;
}

const NAMEABLE_KEY = /^[A-Za-z_$*][A-Za-z0-9_$-]{0,63}$/;

function fieldOf(place: Place | undefined, root: string): string {
  const segments: string[] = [];
  for (let at = place; at !== undefined; at = at.parent) segments.push(at.segment);
  segments.reverse();
  return [root, ...segments].filter((s) => s !== '').join('.');
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * Every string and key in `value` that holds text the ledger refuses, as field errors named from
 * `root` (`body`, `query`, `params`, or '' for names relative to the value). Walks without
 * recursion, so any depth JSON.parse accepted is walked.
 */
export function textViolations(value: unknown, root: string, allowsLineBreaks: (field: string) => boolean): FieldError[] {
  const violations: FieldError[] = [];
  const stack: { value: unknown; place: Place | undefined }[] = [{ value, place: undefined }];
  while (stack.length > 0 && violations.length < MAX_VIOLATIONS) {
    const { value: current, place } = stack.pop() as { value: unknown; place: Place | undefined };
    if (typeof current === 'string') {
      if (!SUSPECT.test(current)) continue;
      const field = fieldOf(place, root);
      const message = describeBadText(current, allowsLineBreaks(field));
      if (message !== undefined) violations.push({ field, message });
      continue;
    }
    if (current === null || typeof current !== 'object' || current instanceof Uint8Array) continue;
    const children: { value: unknown; place: Place }[] = [];
    if (Array.isArray(current)) {
      current.forEach((item, index) => children.push({ value: item, place: { parent: place, segment: String(index) } }));
    } else {
      for (const [index, [key, item]] of Object.entries(current as Record<string, unknown>).entries()) {
        const badKey = describeBadText(key, false);
        if (badKey !== undefined) {
          violations.push({ field: fieldOf(place, root), message: `has a key (its ${ordinal(index + 1)}) that ${badKey}` });
          continue;
        }
        // A key is part of the field's name only when it looks like one: other keys could be text.
        children.push({ value: item, place: { parent: place, segment: NAMEABLE_KEY.test(key) ? key : `[key ${index + 1}]` } });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as { value: unknown; place: Place });
  }
  return violations.slice(0, MAX_VIOLATIONS);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `'per-item'`: the route's body is an array whose items are judged one by one by the route
     * itself (a batch), so one bad item does not refuse the whole body; query and path are still
     * checked here.
     */
    bodyText?: 'per-item';
  }
}

/** The three parts of a request that carry text, with the names fields are given in problems. */
export function requestTextViolations(
  request: { readonly body: unknown; readonly query: unknown; readonly params: unknown; readonly routeOptions: { readonly config: { readonly bodyText?: 'per-item' } } },
  allowsLineBreaks: (field: string) => boolean,
): FieldError[] {
  return [
    ...(request.routeOptions.config.bodyText === 'per-item' ? [] : textViolations(request.body, 'body', allowsLineBreaks)),
    ...textViolations(request.query, 'query', allowsLineBreaks),
    ...textViolations(request.params, 'params', allowsLineBreaks),
  ].slice(0, MAX_VIOLATIONS);
}

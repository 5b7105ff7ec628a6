/**
 * The register side's feed of change notices (異動等情報), and what operators and auditors read of
 * them. A notice is recorded durably before anything else happens (202 with its Location); the
 * registry reactor does the matching, revocations and reply. A batch takes up to 10,000 notices as a
 * JSON array or NDJSON; each is judged on its own and a bad one never blocks the good ones.
 */
import type { FastifyPluginAsyncZod } from '@fastify/type-provider-zod';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { SEXES } from '../../domain/application/events.js';
import { NOTICE_KINDS, REMOVAL_CAUSES, noticeId } from '../../domain/registry/events.js';
import { readNotice } from '../../domain/registry/queries.js';
import { receiveNotice, receiveNotices, type NoticeInput } from '../../domain/registry/services.js';
import { callerOf } from '../auth/caller.js';
import type { LedgerDeps } from '../ledger-deps.js';
import { domainProblem } from '../problems/domain-problem.js';
import { problem, sendProblem } from '../problems/problem.js';
import { textViolations } from '../text-check.js';
import { reply } from './results.js';
import { purposeQuery } from './schemas.js';
import { disclosing } from './disclosing.js';

const MAX_BATCH = 10_000;
/** Notices recorded in one commit: a few milliseconds of work, so other requests wait no longer than that. */
const RECORDED_TOGETHER = 500;

const items = z.object({
  name: z.string().trim().min(1).max(100),
  dateOfBirth: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }),
  sex: z.enum(SEXES),
  address: z.string().trim().min(1).max(200),
});

export const noticeBody = z.object({
  noticeId,
  residentRecordCode: z.string().regex(/^\d{11}$/, { error: 'must be the 11-digit resident record code' }),
  municipalityCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit local government code' }),
  kind: z.enum(NOTICE_KINDS),
  removalCause: z.enum(REMOVAL_CAUSES).optional(),
  before: items,
  after: items.nullable(),
  minor: z.boolean(),
  effectiveDate: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }),
  departureDate: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }).optional(),
});

function toInput(body: z.infer<typeof noticeBody>): NoticeInput {
  const { removalCause, departureDate, ...rest } = body;
  return { ...rest, ...(removalCause === undefined ? {} : { removalCause }), ...(departureDate === undefined ? {} : { departureDate }) };
}

interface BatchResult {
  readonly index: number;
  readonly noticeId?: string;
  readonly result: 'accepted' | 'duplicate' | 'rejected';
  readonly position?: string;
  readonly reason?: string;
  readonly detail?: string;
  readonly errors?: readonly { field: string; message: string }[];
  readonly conflictsWith?: unknown;
}

const feed = { access: { roles: ['registry-feed'] } } as const;
const readers = { access: { roles: ['registry-feed', 'prefectural-operator', 'auditor'] } } as const;
const operators = { access: { roles: ['prefectural-operator', 'auditor'] } } as const;

export const registryChangeRoutes: FastifyPluginAsyncZod<{ deps: LedgerDeps }> = async (app, { deps }) => {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: 32 * 1024 * 1024 }, (_request, body, done) => {
    try {
      done(null, String(body).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown));
    } catch {
      done(Object.assign(new Error('The NDJSON body has a line that is not JSON.'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });

  app.post('/v1/registry-changes', { config: feed, schema: { body: noticeBody } }, async (request, res) => {
    const result = await receiveNotice(deps, callerOf(request), toInput(request.body));
    return reply(res, result, (received) => {
      const body = { noticeId: received.noticeId, status: received.outcome, position: received.position.toString() };
      if (received.outcome === 'duplicate') return res.code(200).send(body);
      return res.code(202).header('location', `/v1/registry-changes/${received.noticeId}`).send(body);
    });
  });

  app.post(
    '/v1/registry-changes/batch',
    { config: { ...feed, bodyText: 'per-item' }, bodyLimit: 32 * 1024 * 1024, schema: { body: z.array(z.unknown()) } },
    async (request, res) => {
      const notices = request.body;
      if (notices.length > MAX_BATCH) {
        return sendProblem(res, problem(413, 'batch-too-large', 'Batch too large', `A batch holds at most ${MAX_BATCH} notices; this one has ${notices.length}.`));
      }
      const caller = callerOf(request);
      const results: BatchResult[] = [];
      const valid: { index: number; input: NoticeInput }[] = [];
      for (const [index, raw] of notices.entries()) {
        // Text the store cannot hold is judged here, per notice (the route opts out of the edge's whole-body check).
        const badText = textViolations(raw, '', () => false);
        const parsed = badText.length === 0 ? noticeBody.safeParse(raw) : undefined;
        if (parsed?.success === true) valid.push({ index, input: toInput(parsed.data) });
        else {
          results[index] = {
            index,
            result: 'rejected',
            reason: 'invalid-notice',
            errors: parsed === undefined ? badText : parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
          };
        }
      }
      for (let from = 0; from < valid.length; from += RECORDED_TOGETHER) {
        const chunk = valid.slice(from, from + RECORDED_TOGETHER);
        // The key names the notice's place in the batch: the batch given again is recognised, while
        // a second copy of a notice inside one batch is judged against the first (duplicate, or 409).
        const received = await receiveNotices(
          deps,
          chunk.map(({ index, input }) => ({ caller: { ...caller, idempotencyKey: `${caller.idempotencyKey}/${index}/${input.noticeId}` }, input })),
        );
        for (const [i, { index, input }] of chunk.entries()) {
          const result = received[i] as (typeof received)[number];
          if (E.isRight(result)) {
            results[index] = { index, noticeId: result.right.noticeId, result: result.right.outcome, position: result.right.position.toString() };
          } else {
            const { conflictsWith } = domainProblem(result.left);
            results[index] = { index, noticeId: input.noticeId, result: 'rejected', reason: result.left.rule, detail: result.left.detail, ...(conflictsWith === undefined ? {} : { conflictsWith }) };
          }
        }
      }
      const count = (result: string) => results.filter((r) => r.result === result).length;
      return { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results };
    },
  );

  app.get(
    '/v1/registry-changes/:noticeId',
    { ...disclosing, config: readers, schema: { params: z.object({ noticeId }), querystring: purposeQuery(deps.purposes.map((p) => p.name)) } },
    async (request, res) => {
      const result = await readNotice(deps, callerOf(request), request.params.noticeId, request.query.purpose);
      return reply(res, result, ({ state, history, position }) => {
        const processed = history.find((h) => h.type === 'RegistryChangeProcessed')?.data as { certificates?: { serialNumber: string; outcome: string }[] } | undefined;
        return {
          ...state.notice,
          status: state.reply?.status ?? 'received',
          reply: state.reply,
          revocations: (processed?.certificates ?? []).filter((c) => c.outcome === 'revoked' || c.outcome === 'revocation-scheduled'),
          flagged: [...state.flagged],
          history,
          position: position.toString(),
        };
      });
    },
  );

  app.get(
    '/v1/registry-changes',
    { config: operators, schema: { querystring: z.object({ status: z.enum(['discrepancy']), limit: z.coerce.number().int().min(1).max(1000).default(100) }) } },
    async (request) => ({ status: request.query.status, notices: deps.readModels.registryNotices.withDiscrepancies(request.query.limit), position: deps.readModels.runner.position.toString() }),
  );
};

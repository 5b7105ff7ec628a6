/**
 * A test-only OCSP responder on node:http, putting the pieces together the way the real route is
 * meant to: parse, check the issuer, then a pre-signed answer when there is no nonce or a freshly
 * signed one echoing the nonce. Nothing ever becomes a 500: failures are OCSP statuses.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { IssuingCa } from '../../../../../domain/ports/certificate-authority.js';
import type { Signer } from '../../../../../domain/ports/signer.js';
import { certIdFor, issuedBy, type CertId, type CertIdHashAlgorithm } from '../../../../../infrastructure/ca/ocsp/cert-id.js';
import { MAX_OCSP_REQUEST_BYTES, parseOcspGetRequest, parseOcspRequest, type ParsedOcspRequest } from '../../../../../infrastructure/ca/ocsp/ocsp-request.js';
import { ocspErrorResponse, signOcspResponse, type CertStatus, type OcspResponder } from '../../../../../infrastructure/ca/ocsp/ocsp-response.js';

export interface TestResponderOptions {
  readonly ca: IssuingCa;
  readonly responder: OcspResponder;
  readonly signer: Signer;
  /** Status by serial; a serial not listed is one this CA never issued. */
  readonly statuses: ReadonlyMap<string, CertStatus>;
}

export interface TestResponder {
  /** With a trailing slash: POST here, or GET here + the base64 request. */
  readonly url: string;
  /** The HTTP methods of the requests received, in order. */
  readonly methods: readonly string[];
  close(): Promise<void>;
}

const HASH_ALGORITHMS: readonly CertIdHashAlgorithm[] = ['sha1', 'sha256'];
const DAY_MS = 86_400_000;

export async function startTestResponder(options: TestResponderOptions): Promise<TestResponder> {
  // Times are now: openssl checks thisUpdate and nextUpdate against its own clock.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const thisUpdate = new Date(now).toISOString();
  const nextUpdate = new Date(now + DAY_MS).toISOString();
  const sign = (certIds: readonly CertId[], nonce?: Uint8Array) =>
    signOcspResponse(
      {
        responder: options.responder,
        producedAt: thisUpdate,
        responses: certIds.map((certId) => ({ certId, status: options.statuses.get(certId.serialNumber) ?? { kind: 'unknown' }, thisUpdate, nextUpdate })),
        ...(nonce === undefined ? {} : { nonce }),
      },
      options.signer,
    );

  // Signed ahead, from the table alone: answering a request without a nonce costs no signature.
  const preSigned = new Map<string, Uint8Array>();
  for (const serial of options.statuses.keys()) {
    for (const algorithm of HASH_ALGORITHMS) preSigned.set(`${algorithm}:${serial}`, await sign([certIdFor(options.ca, serial, algorithm)]));
  }

  const answer = async (parsed: ParsedOcspRequest): Promise<Uint8Array> => {
    if (!parsed.ok) return ocspErrorResponse('malformedRequest');
    if (!parsed.requests.every((certId) => issuedBy(certId, options.ca))) return ocspErrorResponse('unauthorized');
    const [only] = parsed.requests;
    const cached = parsed.nonce === undefined && parsed.requests.length === 1 && only !== undefined ? preSigned.get(`${only.hashAlgorithm}:${only.serialNumber}`) : undefined;
    return cached ?? sign(parsed.requests, parsed.nonce);
  };

  const methods: string[] = [];
  const server = createServer((request, response) => {
    methods.push(request.method ?? '');
    const parsed = request.method === 'POST' ? readBody(request).then(parseOcspRequest) : Promise.resolve(parseOcspGetRequest((request.url ?? '/').slice(1)));
    void parsed
      .then(answer)
      .catch(() => ocspErrorResponse('internalError'))
      .then((body) => response.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    methods,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * The body, kept only up to the first chunk past the limit (enough for the parser to refuse it);
 * the rest is drained rather than the stream destroyed, which would take the socket and the answer with it.
 */
async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (length > MAX_OCSP_REQUEST_BYTES) continue;
    chunks.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(chunks);
}

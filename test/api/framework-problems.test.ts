/**
 * What fastify and Node answer on their own — a URL that is not validly percent-encoded, an
 * over-long path parameter, headers too large, a body too large or of a type no route takes — is
 * problem+json like every other error, and never echoes the URL or the headers. Sent as raw HTTP
 * to a listening server: some of these never reach an injected request.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clerkOf } from '../support/http-lifecycle.js';
import { testApp, type TestApp } from '../support/test-app.js';

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly raw: string;
}

/** Sends `request` as it is and reads until the server closes the connection. */
function raw(port: number, request: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), raw: text });
    });
    socket.write(request);
  });
}

const PROBLEM = /^application\/problem\+json/;
const CLERK_OF_CHIYODA = clerkOf('131016').authorization;

describe('fastify’s and Node’s own errors', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await testApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(() => t.close());

  const position = async () => (await t.app.inject({ method: 'GET', url: '/health' })).json().position as string;

  function expectProblem(reply: RawReply, status: number, type: string) {
    expect(reply.status, reply.raw.slice(0, 400)).toBe(status);
    expect(reply.headers['content-type']).toMatch(PROBLEM);
    const body = JSON.parse(reply.body) as Record<string, unknown>;
    expect(body).toMatchObject({ type: `urn:jpki-ledger:problem:${type}`, status, title: expect.any(String), detail: expect.any(String) });
    expect(body.instance).toBeUndefined();
    return body;
  }

  it('answers a URL that is not validly percent-encoded with a 400 problem that does not quote it', async () => {
    const reply = await raw(port, 'GET /v1/certificates/%%%%zz-secret HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\nx-correlation-id: bad-url-1\r\n\r\n');
    expectProblem(reply, 400, 'malformed-url');
    expect(reply.body).not.toMatch(/%%|zz-secret|certificates/);
    expect(reply.headers['x-correlation-id']).toBe('bad-url-1');
  });

  it('answers an over-long path parameter with a 414 problem that does not quote it', async () => {
    const reply = await raw(port, `GET /v1/certificates/${'AB'.repeat(150)} HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\n\r\n`);
    expectProblem(reply, 414, 'uri-too-long');
    expect(reply.body).not.toContain('ABAB');
  });

  it('answers headers too large with a 431 problem that does not quote them', async () => {
    const reply = await raw(port, `GET /health HTTP/1.1\r\nHost: ledger\r\nx-filler: ${'secret-header-'.repeat(2000)}\r\n\r\n`);
    const body = expectProblem(reply, 431, 'headers-too-large');
    expect(reply.body).not.toContain('secret-header');
    expect(body.correlationId).toEqual(expect.any(String));
  });

  it('answers a request Node cannot parse with a 400 problem', async () => {
    const reply = await raw(port, 'GET /health HTTP/1.1\r\nHost: ledger\r\nContent-Length: nope\r\n\r\n');
    expectProblem(reply, 400, 'malformed-request');
  });

  it('answers a body too large with a 413 problem that does not quote the URL, writing nothing', async () => {
    const before = await position();
    const body = JSON.stringify({ reason: 'x'.repeat(2 * 1024 * 1024) });
    const reply = await raw(
      port,
      `POST /v1/applications/00000000-0000-4000-8000-000000000000/withdrawal?secret=query HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\nAuthorization: ${CLERK_OF_CHIYODA}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expectProblem(reply, 413, 'payload-too-large');
    expect(reply.body).not.toMatch(/withdrawal|secret/);
    expect(await position()).toBe(before);
  });

  it('answers a content type no route takes with a 415 problem that does not quote the URL', async () => {
    const reply = await raw(
      port,
      `POST /v1/applications?secret=query HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\nAuthorization: ${CLERK_OF_CHIYODA}\r\nContent-Type: text/csv\r\nContent-Length: 3\r\n\r\na,b`,
    );
    expectProblem(reply, 415, 'unsupported-media-type');
    expect(reply.body).not.toMatch(/applications|secret/);
  });
});

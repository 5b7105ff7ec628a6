/** Runs openssl on files in a temp dir, so that tests hold our DER to a standard tool. */
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

export interface OpensslResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function openssl(args: readonly string[], input?: string | Uint8Array): OpensslResult {
  const result = spawnSync('openssl', args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** stdout of an openssl command that must succeed. */
export function opensslOk(args: readonly string[]): string {
  const result = openssl(args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** One line of `openssl asn1parse`: where an element sits in the DER and what openssl reads there. */
export interface Asn1Element {
  readonly offset: number;
  readonly depth: number;
  readonly headerLength: number;
  readonly length: number;
  /** e.g. `INTEGER`, `cont [ 0 ]`, `UTF8STRING`. */
  readonly type: string;
  /** What follows the type's colon, e.g. the INTEGER in hex or the string. */
  readonly value: string;
}

export function asn1parse(args: readonly string[]): Asn1Element[] {
  return opensslOk(['asn1parse', ...args])
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(?:prim|cons):\s*([^:]*?)\s*(?::(.*))?$/.exec(line);
      if (match === null) throw new Error(`unexpected asn1parse line: ${line}`);
      const [, offset, depth, headerLength, length, type, value] = match;
      return { offset: Number(offset), depth: Number(depth), headerLength: Number(headerLength), length: Number(length), type: type!, value: value ?? '' };
    });
}

/** The bytes of one element, header included. */
export function elementBytes(der: Uint8Array, element: Asn1Element): Uint8Array {
  return der.subarray(element.offset, element.offset + element.headerLength + element.length);
}

export function toPem(base64Der: string, label = 'CERTIFICATE'): string {
  return `-----BEGIN ${label}-----\n${base64Der.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** A temp dir for openssl's input files; `remove()` in afterAll. */
export function workDir(): { readonly path: string; write(name: string, contents: string | Uint8Array): string; remove(): void } {
  const dir = tempDir('jpki-ca-test-');
  return {
    path: dir.path,
    write(name, contents) {
      const file = join(dir.path, name);
      writeFileSync(file, contents);
      return file;
    },
    remove: dir.remove,
  };
}

/**
 * openssl without blocking: `openssl ocsp -url` talks to a responder in this very process, which
 * could not answer while spawnSync held the event loop.
 */
export function opensslAsync(args: readonly string[]): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ status: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

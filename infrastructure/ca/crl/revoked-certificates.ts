/**
 * The revokedCertificates field of a TBSCertList, written as flat DER: a full CRL can list a million
 * certificates, and one ASN.1 object per entry (as @peculiar/x509 builds them) costs seconds.
 *
 * One pass over the entries, in the caller's order (where they lie in memory), checks each and
 * writes its DER, copying the extensions from precomputed constants, into the buffer the caller
 * builds the TBSCertList in. Entries go out in ascending serial-number order (serial-order.ts)
 * whatever order they came in, so the same set of revocations always gives the same bytes.
 */
import { MAX_HEADER_BYTES, TAG, encodeHeader } from '../der.js';
import { INVALIDITY_DATE_PREFIX, REASON_CODE_EXTENSIONS } from './crl-extensions.js';
import { GENERALIZED_TIME_BYTES, writeInstant } from './crl-time.js';
import { serialOrder } from './serial-order.js';

/** RFC 5280 §5.3.1 reason names. */
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export interface CrlEntry {
  /** Uppercase hex as openssl prints it: even length, no leading 00, at most 20 octets once encoded. */
  readonly serialNumber: string;
  /** ISO instant, whole seconds. */
  readonly revocationDate: string;
  /** Absent, or `unspecified`: the entry carries no reasonCode (RFC 5280 §5.3.1 asks for absence over unspecified). */
  readonly reason?: CrlReason;
  /** ISO instant, whole seconds: when the key is known or suspected to have been compromised. */
  readonly invalidityDate?: string;
}

const UNSPECIFIED = 0;
const REMOVE_FROM_CRL = 8;

/** CRLReason ENUMERATED values. */
const REASON_CODES: Readonly<Record<CrlReason, number>> = {
  unspecified: UNSPECIFIED,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: REMOVE_FROM_CRL,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

/** RFC 5280 §4.1.2.2 (certificates) and §5.1.2.6 (CRLs share CertificateSerialNumber): at most 20 octets. */
const MAX_SERIAL_OCTETS = 20;
/** An entry's bytes besides its serial's digits (SEQUENCE and INTEGER headers, the sign pad, the longest Time, the extensions' SEQUENCE header), its reasonCode, its invalidityDate. */
const ENTRY_BYTES_BESIDE_SERIAL = 2 + 3 + GENERALIZED_TIME_BYTES + 2;
const REASON_BYTES = Math.max(...REASON_CODE_EXTENSIONS.filter((e) => e !== undefined).map((e) => e.length));
const INVALIDITY_BYTES = INVALIDITY_DATE_PREFIX.length + GENERALIZED_TIME_BYTES;
/** At least the longest entry (a 20-octet serial, both extensions): under 128, so every entry's length is one octet. */
const MAX_ENTRY_BYTES = ENTRY_BYTES_BESIDE_SERIAL + MAX_SERIAL_OCTETS + REASON_BYTES + INVALIDITY_BYTES;

/** Bytes to keep free around the revokedCertificates field, for what the caller writes there. */
export interface Room {
  readonly before: number;
  readonly after: number;
}

/**
 * The revokedCertificates SEQUENCE in sorted order, lying at `start`..`end` of `buffer`, with at least
 * `room.before` bytes free in front and `room.after` behind. Without entries the field is absent
 * (RFC 5280 §5.1.2.6): start = end.
 */
export interface RevokedCertificates {
  readonly count: number;
  readonly buffer: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/**
 * Checks and encodes `entries`; throws, naming the entry, for a malformed serial, a serial listed
 * twice, a bad date, an unknown reason, or removeFromCRL outside a delta CRL (RFC 5280 §5.3.1: it
 * only undoes a hold listed on the base CRL).
 *
 * The entries are written where they will stay when they came in serial order (as the publisher
 * reads them from its index), so a million of them are written once: a fresh 51 MB buffer costs
 * ~130 ms of page faults here, more than encoding the entries. In any other order they are copied,
 * sorted, into a second buffer of the same layout.
 */
export function planRevokedCertificates(entries: readonly CrlEntry[], options: { readonly delta: boolean; readonly room: Room }): RevokedCertificates {
  const count = entries.length;
  const { room } = options;
  const first = room.before + MAX_HEADER_BYTES;
  const bufferLength = first + encodedBound(entries) + room.after;
  const scratch = new Uint8Array(Buffer.allocUnsafeSlow(bufferLength).buffer);
  /** Where each entry starts in `scratch`, and where the last one ends. */
  const offsets = new Uint32Array(count + 1);
  offsets[0] = first;
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!;
    try {
      offsets[i + 1] = writeEntry(scratch, offsets[i]!, entry, options.delta);
    } catch (error) {
      throw new Error(`CRL entry ${JSON.stringify(entry.serialNumber)}: ${(error as Error).message}`, { cause: error });
    }
  }
  const end = offsets[count]!;
  // A typed array drops writes past its end without a word: entries must never outgrow their bound.
  if (end + room.after > bufferLength) throw new Error(`internal error: ${count} CRL entries took ${end - first} bytes, more than the ${bufferLength - first - room.after} planned`);
  if (count === 0) return { count, buffer: scratch, start: first, end: first };
  const header = encodeHeader(TAG.sequence, end - first);
  const start = first - header.length;
  const order = serialOrder(scratch, offsets.subarray(0, count));
  const buffer = order === undefined ? scratch : sorted(scratch, offsets, order, bufferLength);
  buffer.set(header, start);
  return { count, buffer, start, end };
}

/**
 * At least the bytes `entries` take once encoded, and close to it: V8 collects garbage when external
 * memory grows by more than 64 MB, and sizing a million entries for the longest possible one (75 MB
 * instead of ~52 MB) set off a full collection of the heap with every CRL. An entry whose serial
 * would not fit its share is refused while it is written, before anything is written past it.
 */
function encodedBound(entries: readonly CrlEntry[]): number {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    const { serialNumber, reason, invalidityDate } = entries[i]!;
    const bound =
      ENTRY_BYTES_BESIDE_SERIAL + (serialNumber.length >> 1) + (reason === undefined ? 0 : REASON_BYTES) + (invalidityDate === undefined ? 0 : INVALIDITY_BYTES);
    // NaN (no serial string at all) compares false: the longest entry then.
    bytes += bound <= MAX_ENTRY_BYTES ? bound : MAX_ENTRY_BYTES;
  }
  return bytes;
}

/** The entries copied in `order` to the same place in a buffer of the same size. */
function sorted(scratch: Uint8Array, offsets: Uint32Array, order: Uint32Array, bufferLength: number): Uint8Array {
  const count = order.length;
  const out = new Uint8Array(Buffer.allocUnsafeSlow(bufferLength).buffer);
  // Each entry's place in sorted order first, then one pass over the scratch in its own order:
  // scattered writes cost a fraction of scattered reads over tens of megabytes.
  const places = new Uint32Array(count);
  let at = offsets[0]!;
  for (let rank = 0; rank < count; rank++) {
    const i = order[rank]!;
    places[i] = at;
    at += offsets[i + 1]! - offsets[i]!;
  }
  for (let i = 0; i < count; i++) {
    let place = places[i]!;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) out[place++] = scratch[k]!;
  }
  return out;
}

/** revokedCertificate SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions Extensions OPTIONAL } at `at`. */
function writeEntry(out: Uint8Array, at: number, entry: CrlEntry, delta: boolean): number {
  const { invalidityDate } = entry;
  const reason = reasonCodeExtension(entry.reason, delta);
  const start = at;
  out[at] = TAG.sequence;
  at = writeSerial(out, at + 2, entry.serialNumber);
  at = writeInstant(out, at, entry.revocationDate, 'revocationDate', false);
  // An entry with neither reason nor invalidity date has no crlEntryExtensions at all: an empty SEQUENCE is not allowed.
  if (reason !== undefined || invalidityDate !== undefined) {
    const extensionsStart = at;
    out[at] = TAG.sequence;
    at += 2;
    if (reason !== undefined) {
      out.set(reason, at);
      at += reason.length;
    }
    if (invalidityDate !== undefined) {
      out.set(INVALIDITY_DATE_PREFIX, at);
      at = writeInstant(out, at + INVALIDITY_DATE_PREFIX.length, invalidityDate, 'invalidityDate', true);
    }
    out[extensionsStart + 1] = at - extensionsStart - 2;
  }
  out[start + 1] = at - start - 2;
  return at;
}

/** The precomputed reasonCode extension, or undefined for none (no reason, or `unspecified`). */
function reasonCodeExtension(reason: CrlReason | undefined, delta: boolean): Uint8Array | undefined {
  if (reason === undefined) return undefined;
  const code = Object.hasOwn(REASON_CODES, reason) ? REASON_CODES[reason] : undefined;
  if (code === undefined) throw new Error(`unknown reason ${JSON.stringify(reason)}`);
  if (code === REMOVE_FROM_CRL && !delta) throw new Error('removeFromCRL belongs on a delta CRL only (RFC 5280 §5.3.1)');
  return code === UNSPECIFIED ? undefined : REASON_CODE_EXTENSIONS[code];
}

/**
 * The serial as a positive INTEGER (a leading 00 when the top bit is set, so that it does not read
 * as negative). Refuses hex that openssl would print differently: lowercase, odd length, a leading
 * 00 (DER's minimal INTEGER drops it), anything over 20 octets once encoded.
 */
function writeSerial(out: Uint8Array, at: number, hex: string): number {
  const signPad = HEX_VALUES[hex.charCodeAt(0)]! >= 8 ? 1 : 0;
  const length = hex.length / 2 + signPad;
  if (length > MAX_SERIAL_OCTETS) throw new Error(`serialNumber is longer than ${MAX_SERIAL_OCTETS} octets once encoded (RFC 5280 §4.1.2.2)`);
  out[at++] = TAG.integer;
  out[at++] = length;
  if (signPad) out[at++] = 0;
  const first = at;
  let wellFormed = hex.length > 0 && hex.length % 2 === 0;
  for (let i = 0; i < hex.length; i += 2) {
    const high = HEX_VALUES[hex.charCodeAt(i)]!;
    const low = HEX_VALUES[hex.charCodeAt(i + 1)]!;
    wellFormed &&= (high | low) >= 0;
    out[at++] = (high << 4) | low;
  }
  if (!wellFormed || out[first] === 0) throw new Error('serialNumber must be uppercase hex with an even number of digits and no leading 00');
  return at;
}

/** Uppercase hex digit values by UTF-16 code unit, -1 for every other one: one lookup per character. */
const HEX_VALUES = new Int8Array(0x10000).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;

/**
 * Ascending serial-number order for encoded CRL entries, fast enough for a million of them.
 *
 * A comparator sort over the caller's entry objects took seconds for 1,000,000 (a JS callback per
 * comparison, and the objects scattered in memory once reordered). Instead every entry gets one
 * float64 key packing the INTEGER's length, its leading bits and the entry's index, and a
 * Float64Array is sorted natively; only entries whose keys tie before the index (same length and
 * leading bits: a few thousand pairs among a million random serials) are compared in full.
 *
 * For minimal DER INTEGERs that are positive, a longer encoding is a larger number and equal
 * lengths compare byte by byte, so (length, content bytes) is numeric order: the order openssl
 * sorts CRL entries in.
 */

/** The INTEGER at `entry + 2` of a revokedCertificate SEQUENCE with a one-octet length: its content length, then its content. */
const INTEGER_LENGTH_AT = 3;
const INTEGER_CONTENT_AT = 4;
/** Float64 holds integers exactly below 2^53: 5 bits of length (at most 20 octets) above 48 bits of serial and index. */
const LENGTH_SCALE = 2 ** 48;
const LEADING_OCTETS = 6;

/**
 * Indices into `offsets` in ascending serial order, where `offsets[i]` is where entry i starts in
 * `der`; undefined when the entries are in that order already (a caller reading them from an index
 * pays one pass). Throws for a serial listed twice, naming it.
 */
export function serialOrder(der: Uint8Array, offsets: Uint32Array): Uint32Array | undefined {
  const count = offsets.length;
  let inOrder = true;
  for (let i = 1; inOrder && i < count; i++) {
    const byValue = compareSerials(der, offsets[i - 1]!, offsets[i]!);
    if (byValue === 0) throw listedTwice(der, offsets[i]!);
    inOrder = byValue < 0;
  }
  if (inOrder) return undefined;
  // The low bits carry the index, so equal serials still get distinct keys and the index comes back out.
  const indexScale = 2 ** Math.max(1, Math.ceil(Math.log2(count)));
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const leading = leadingBits(der, offsets[i]!);
    keys[i] = der[offsets[i]! + INTEGER_LENGTH_AT]! * LENGTH_SCALE + leading - (leading % indexScale) + i;
  }
  keys.sort();
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = keys[i]! % indexScale;
  // Ties before the index are runs of equal `key - index`; order each run in full.
  for (let start = 0; start < count; ) {
    const group = keys[start]! - order[start]!;
    let end = start + 1;
    while (end < count && keys[end]! - order[end]! === group) end++;
    if (end - start > 1) orderRun(der, offsets, order, start, end);
    start = end;
  }
  return order;
}

/** The first six content octets of the entry's INTEGER as a 48-bit number, zeros after its end. */
function leadingBits(der: Uint8Array, entry: number): number {
  const length = der[entry + INTEGER_LENGTH_AT]!;
  let value = 0;
  for (let k = 0; k < LEADING_OCTETS; k++) value = value * 256 + (k < length ? der[entry + INTEGER_CONTENT_AT + k]! : 0);
  return value;
}

function orderRun(der: Uint8Array, offsets: Uint32Array, order: Uint32Array, start: number, end: number): void {
  const run = Array.from(order.subarray(start, end)).sort((a, b) => compareSerials(der, offsets[a]!, offsets[b]!));
  for (let i = 0; i < run.length; i++) {
    if (i > 0 && compareSerials(der, offsets[run[i - 1]!]!, offsets[run[i]!]!) === 0) throw listedTwice(der, offsets[run[i]!]!);
    order[start + i] = run[i]!;
  }
}

function listedTwice(der: Uint8Array, entry: number): Error {
  return new Error(`CRL entry ${serialHex(der, entry)}: the serial number is listed twice`);
}

function compareSerials(der: Uint8Array, a: number, b: number): number {
  const length = der[a + INTEGER_LENGTH_AT]!;
  const byLength = length - der[b + INTEGER_LENGTH_AT]!;
  if (byLength !== 0) return byLength;
  for (let k = INTEGER_CONTENT_AT; k < INTEGER_CONTENT_AT + length; k++) {
    const byOctet = der[a + k]! - der[b + k]!;
    if (byOctet !== 0) return byOctet;
  }
  return 0;
}

/** The serial as openssl prints it: uppercase hex without the sign pad. */
function serialHex(der: Uint8Array, entry: number): string {
  const content = der.subarray(entry + INTEGER_CONTENT_AT, entry + INTEGER_CONTENT_AT + der[entry + INTEGER_LENGTH_AT]!);
  return Buffer.from(content[0] === 0 ? content.subarray(1) : content)
    .toString('hex')
    .toUpperCase();
}

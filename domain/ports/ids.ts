/** Identifiers enter the domain through this port: random ones, and event ids derived from idempotency keys. */
export interface IdSource {
  /** A new random UUID. */
  newId(): string;
  /** The id of the index-th event a command with this idempotency key appends to this stream; the same inputs give the same id. */
  eventId(idempotencyKey: string, stream: string, index: number): string;
  /** A new certificate serial number: uppercase hex, positive, at least 64 bits from a CSPRNG. */
  serialNumber(): string;
}

/** The holder's pseudonym: a keyed hash of the resident record code (the key is configuration). */
export interface HolderRefs {
  of(residentRecordCode: string): string;
}

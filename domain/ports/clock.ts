/** Time enters the ledger only through this port (a system clock in production, a fixed one in tests). */
export interface Clock {
  now(): Date;
}

import type { Clock } from '../../domain/ports/clock.js';

export { systemClock } from '../../infrastructure/clock/system-clock.js';

/** A clock that stays where it is put. */
export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let current = new Date(iso);
  return {
    now: () => new Date(current),
    set: (next) => {
      current = new Date(next);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

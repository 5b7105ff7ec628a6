/**
 * The embedded store answers synchronously, so work made of many reads and appends (a batch of
 * notices, the registry reactor working through a burst) would never give the event loop a turn:
 * every other request would wait until it was through. Reads call `takeTurnIfDue` first: at most
 * every TURN_MS of such work, one turn of the event loop lets other requests in.
 */
const TURN_MS = 10;
let lastTurn = performance.now();

export async function takeTurnIfDue(): Promise<void> {
  if (performance.now() - lastTurn < TURN_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastTurn = performance.now();
}

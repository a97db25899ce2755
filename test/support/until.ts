/** Waiting on a condition another process brings about (a NOTIFY heard, a row committed), in tests. */

/**
 * Waits (checking every 20 ms) until `condition` gives a value other than undefined or false, and
 * resolves with it; rejects naming `what` after `timeoutMs`.
 */
export async function until<T>(what: string, condition: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `count`, mapping a failure (e.g. a server that is restarting) to -1 so waitFor keeps polling. */
export async function countOrError(count: () => Promise<number>): Promise<number> {
  try {
    return await count();
  } catch {
    return -1;
  }
}

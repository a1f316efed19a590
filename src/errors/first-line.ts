/** The first non-blank line of an error's message (at most 500 characters): for logs, dead letters and one-line CLI errors. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).slice(0, 500);
}

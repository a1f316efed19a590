import type { Logger } from '../logger.js';

type Release = () => Promise<unknown> | unknown;

/**
 * Resources register how to release themselves; `releaseAll` runs the releasers in reverse
 * order of registration, once, logging (not throwing) failures.
 */
export class Releasers {
  readonly #releasers: { name: string; release: Release }[] = [];
  #released: Promise<void> | undefined;

  add<T>(name: string, resource: T, release: (resource: T) => Promise<unknown> | unknown): T {
    this.#releasers.push({ name, release: () => release(resource) });
    return resource;
  }

  releaseAll(log?: Logger): Promise<void> {
    this.#released ??= (async () => {
      for (const { name, release } of this.#releasers.splice(0).reverse()) {
        try {
          await release();
        } catch (err) {
          log?.warn({ resource: name, err: (err as Error).message }, 'release failed');
        }
      }
    })();
    return this.#released;
  }
}

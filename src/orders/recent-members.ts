/**
 * A set of order members that forgets its oldest entries past `capacity`: a hint, never the
 * truth (an order forgotten here only takes the slower path).
 */
export class RecentMembers {
  readonly #members = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#members.size;
  }

  has(member: string): boolean {
    return this.#members.has(member);
  }

  add(member: string): void {
    this.#members.delete(member); // re-added as the newest
    this.#members.add(member);
    if (this.#members.size <= this.#capacity) return;
    for (const oldest of this.#members) {
      this.#members.delete(oldest);
      if (this.#members.size <= this.#capacity) return;
    }
  }
}

import { InvalidArgumentError } from 'commander';

/** Commander parser for a non-negative integer option (`--rate 5000`). */
export function parseIntOption(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer');
  return Number(value);
}

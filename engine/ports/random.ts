/** Random port: every identifier (branch, tag, Call-ID) and every random choice comes from here. */

export interface Random {
  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number;
  /** A float in [0, 1). */
  nextFloat(): number;
  /** `length` characters from [0-9a-z], suitable for tags, branches and Call-IDs. */
  token(length: number): string;
  /**
   * An independent stream derived from this one and `label`, so that adding a
   * consumer never shifts the numbers another consumer sees (determinism).
   */
  fork(label: string): Random;
}

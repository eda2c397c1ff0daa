/** Errors of the B2B entities layer (opensips-b2b.md §3.1): programmer and configuration mistakes, each with a stable `code`. */

export type EntitiesErrorCode = 'bad-config' | 'bad-status' | 'no-dialog' | 'foreign-request';

export class EntitiesError extends Error {
  constructor(readonly code: EntitiesErrorCode, message: string) {
    super(message);
    this.name = 'EntitiesError';
  }
}

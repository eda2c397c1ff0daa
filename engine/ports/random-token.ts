/** Turns a stream of uint32s into a [0-9a-z] token (RFC 3261 §8.1.1.7, §19.3: branches and tags); pure, shared by every Random. */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 36 below 2^32: values at or above it are redrawn so tokens stay unbiased. */
const TOKEN_LIMIT = Math.floor(2 ** 32 / ALPHABET.length) * ALPHABET.length;

/** `length` characters from [0-9a-z], one draw of `source.nextUint32()` each plus a redraw for each biased value. */
export function randomToken(source: { nextUint32(): number }, length: number): string {
  let out = '';
  while (out.length < length) {
    const value = source.nextUint32();
    if (value < TOKEN_LIMIT) out += ALPHABET[value % ALPHABET.length];
  }
  return out;
}

import { createCipheriv, createHash } from 'node:crypto';

// Any fixed key: the stream only has to be the same on every run.
const KEY = createHash('sha256').update('auteryn bench').digest().subarray(16);

const WORDS = 2048;
const RANDOM_REFILL_BYTES = 4096;

/**
 * Deterministic pseudo-random numbers and bytes from a name: an AES-CTR
 * key stream, fast enough to make hundreds of megabytes and never the
 * same for two names, so no two files share content.
 */
export class Random {
  private readonly cipher;
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;

  constructor(name: string) {
    const iv = createHash('sha256').update(name).digest().subarray(0, 16);
    this.cipher = createCipheriv('aes-128-ctr', KEY, iv);
  }

  bytes(count: number): Buffer {
    return this.cipher.update(Buffer.alloc(count));
  }

  /** Uniform in [0, 1). */
  next(): number {
    if (this.at + 4 > this.buffer.length) {
      this.buffer = this.bytes(RANDOM_REFILL_BYTES);
      this.at = 0;
    }
    const value = this.buffer.readUInt32LE(this.at) / 2 ** 32;
    this.at += 4;
    return value;
  }

  /** An integer in [0, below). */
  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  /** Between min and max, evenly spread on a log scale. */
  logUniform(min: number, max: number): number {
    return min * (max / min) ** this.next();
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** Made-up words: text files are made of them, and so are names. */
export const VOCABULARY: readonly string[] = (() => {
  const random = new Random('vocabulary');
  const letters = 'abcdefghijklmnopqrstuvwxyz_';
  return Array.from({ length: WORDS }, () => {
    const length = 2 + random.int(9);
    return Array.from({ length }, () => random.pick([...letters])).join('');
  });
})();

const WORD_BYTES = VOCABULARY.map((word) => Buffer.from(word));

/**
 * Text like source code or JSON: words and line breaks. It compresses
 * about as well as real text does, unlike random bytes (not at all) or
 * a repeated pattern (to nothing).
 */
export function textBytes(random: Random, size: number): Buffer {
  // Each word takes two random bytes and at least three output bytes.
  const picks = random.bytes(size + 2);
  const out = Buffer.allocUnsafe(size + 16);
  let at = 0;
  for (let pick = 0; at < size; pick += 2) {
    const value = picks.readUInt16LE(pick);
    const word = WORD_BYTES[value % WORDS] as Buffer;
    at += word.copy(out, at);
    // One word in 32 ends a line.
    out[at++] = value >> 11 === 0 ? 0x0a : 0x20;
  }
  return out.subarray(0, size);
}

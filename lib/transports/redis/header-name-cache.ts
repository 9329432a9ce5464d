/**
 * Header names as strings, decoded once. Every envelope of a topic carries the same few names,
 * and turning their bytes into a new string each time was most of an envelope's decoding
 * (7 headers: 1.07 → 0.58 µs with this cache); the cached string is also one V8 has already
 * internalized as a property key. Bounded: names beyond the first `capacity` distinct ones (a
 * producer inventing names) are simply decoded each time.
 */
export class HeaderNameCache {
  private readonly entries: Array<{ readonly bytes: Uint8Array; readonly text: string }> = [];

  constructor(
    private readonly capacity = 64,
    private readonly maxNameBytes = 64,
  ) {}

  /** The UTF-8 text of `bytes[start, end)`. */
  text(bytes: Buffer, start: number, end: number): string {
    const length = end - start;
    const entries = this.entries;
    search: for (let i = 0; i < entries.length; i++) {
      const cached = entries[i]!.bytes;
      if (cached.length !== length) continue;
      for (let j = 0; j < length; j++) if (cached[j] !== bytes[start + j]) continue search;
      return entries[i]!.text;
    }
    const text = bytes.toString('utf8', start, end);
    if (entries.length < this.capacity && length <= this.maxNameBytes) entries.push({ bytes: Uint8Array.prototype.slice.call(bytes, start, end), text });
    return text;
  }
}

import { BYTE_TO_CHARACTER } from './byte-level.js';
import { END_OF_TEXT } from './char-tokenizer.js';
import type { Tokenizer, TokenizerFile } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

/**
 * Pre-tokenisation of the byte-level BPE: GPT-2's split (Radford et al., 2019) with one change: every ASCII digit is a
 * piece of its own, so no merge can ever join a digit to anything (numbers are spelt digit by digit, as the
 * number-token loss needs). Pieces: an English contraction suffix, an optional space plus a run of letters, one digit,
 * an optional space plus a run of other non-space characters, white space not followed by a non-space, white space.
 * Every character falls in some piece, so the pieces concatenate back to the text.
 */
export const PRE_TOKENIZE = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+|[0-9]| ?[^\s\p{L}0-9]+|\s+(?!\S)|\s+/gu;

/** Merges of a pair seen fewer times than this are not learnt. */
export const BPE_MIN_PAIR_COUNT = 2;

/** Pair key: left id · 2²⁰ + right id (exact in a double for vocabularies below 2²⁰ tokens). */
const SHIFT = 1 << 20;
const pairKey = (left: number, right: number): number => left * SHIFT + right;

export interface BpeTrainingOptions {
  /**
   * Target number of token ids, the 256 byte tokens and the end-of-text token (added when there is more than one
   * document) included. Training stops earlier when no pair occurs {@link BPE_MIN_PAIR_COUNT} times any more.
   */
  readonly vocabularySize: number;
}

/** A max-heap of pair keys by count (ties: the smaller key first), with stale entries skipped on pop. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i] ?? 0;
    const cj = this.counts[j] ?? 0;
    return ci > cj || (ci === cj && (this.keys[i] ?? 0) < (this.keys[j] ?? 0));
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] ?? 0;
    const k = this.keys[i] ?? 0;
    this.counts[i] = this.counts[j] ?? 0;
    this.keys[i] = this.keys[j] ?? 0;
    this.counts[j] = c;
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0] ?? 0, key: this.keys[0] ?? 0 };
    const lastCount = this.counts.pop() ?? 0;
    const lastKey = this.keys.pop() ?? 0;
    if (this.keys.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.keys.length && this.before(l, best)) best = l;
        if (r < this.keys.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/** Merges every non-overlapping `left right` pair of `symbols` (left to right) into `result`; returns a new array. */
function mergeSymbols(symbols: readonly number[], left: number, right: number, result: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i += 1) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(result);
      i += 1;
    } else out.push(symbols[i] ?? 0);
  }
  return out;
}

/**
 * Byte-level byte-pair encoding (Sennrich, Haddow & Birch, 2016; byte-level as GPT-2, Radford et al., 2019): ids 0–255
 * are the bytes, each later id is a learnt merge of two earlier tokens, and the end-of-text token (text
 * `<|endoftext|>`, decodes as `"\n"`) comes last when the corpus has more than one document. Text is pre-tokenised by
 * {@link PRE_TOKENIZE}, so digits are single tokens and `digitTokenIds` always holds the ten byte ids of `0`–`9`.
 *
 * Why hand-written: the npm packages that train BPE were checked first. `tokenizers` (Hugging Face's Rust bindings,
 * 0.23.2) installs offline with prebuilt binaries but its Node API trains only with the model's default trainer (no
 * target vocabulary size; TinyShakespeare came out at 21,336 tokens), takes training text only from files and encodes
 * asynchronously, which the synchronous `Tokenizer` contract cannot use; `@huggingface/tokenizers` (tokenizers.js)
 * and the tiktoken ports only encode with existing vocabularies. So the trainer is here, with incremental pair counts:
 * unique pre-token pieces are counted once, each pair's count and the pieces holding it are indexed, and a merge
 * touches only those pieces, with a lazy max-heap picking the most frequent pair (ties: smaller left id, then right).
 * When a merge spells a byte string that is already a token (reachable by two merge orders) it reuses that id.
 */
export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe';
  readonly vocabulary: readonly string[];
  readonly vocabularySize: number;
  readonly endOfTextId: number | null;
  readonly digitTokenIds: readonly number[];
  /** The learnt merges in order, as `[left id, right id, result id]`. */
  readonly merges: readonly (readonly [number, number, number])[];
  private readonly tokenBytes: readonly Uint8Array[];
  private readonly ranks = new Map<number, number>();
  private readonly cache = new Map<string, Int32Array>();

  /**
   * A tokenizer from its merges (pairs of earlier ids, in the order learnt) and whether it has an end-of-text token.
   * Ids: 0–255 the bytes, then each merge whose byte string is new, then end-of-text.
   * @throws TokenizerError naming a merge that refers to an id not defined before it.
   */
  constructor(merges: readonly (readonly [number, number])[], endOfText: boolean) {
    const bytes: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    const texts: string[] = [...BYTE_TO_CHARACTER];
    const idOfText = new Map<string, number>(texts.map((text, id) => [text, id]));
    const resolved: [number, number, number][] = [];
    merges.forEach(([left, right], index) => {
      const a = bytes[left];
      const b = bytes[right];
      if (a === undefined || b === undefined || !Number.isInteger(left) || !Number.isInteger(right)) {
        throw new TokenizerError(`BPE merge ${index}: ids ${left} and ${right} must be tokens defined before it (0..${bytes.length - 1})`);
      }
      const text = (texts[left] ?? '') + (texts[right] ?? '');
      let result = idOfText.get(text);
      if (result === undefined) {
        result = bytes.length;
        const joined = new Uint8Array(a.length + b.length);
        joined.set(a);
        joined.set(b, a.length);
        bytes.push(joined);
        texts.push(text);
        idOfText.set(text, result);
      }
      if (this.ranks.has(pairKey(left, right))) throw new TokenizerError(`BPE merge ${index}: "${texts[left]} ${texts[right]}" is learnt twice`);
      this.ranks.set(pairKey(left, right), resolved.length);
      resolved.push([left, right, result]);
    });
    this.merges = resolved;
    this.tokenBytes = bytes;
    this.endOfTextId = endOfText ? bytes.length : null;
    this.vocabulary = endOfText ? [...texts, END_OF_TEXT] : texts;
    this.vocabularySize = this.vocabulary.length;
    this.digitTokenIds = Array.from({ length: 10 }, (_, d) => 0x30 + d);
  }

  /**
   * Learns merges on `documents` until the vocabulary reaches `vocabularySize` (see {@link BpeTrainingOptions}).
   * @throws TokenizerError when `vocabularySize` is not an integer in [256 (+1 with end-of-text), 2²⁰).
   */
  static train(documents: readonly string[], options: BpeTrainingOptions): BpeTokenizer {
    const endOfText = documents.length > 1;
    const floor = 256 + (endOfText ? 1 : 0);
    const target = options.vocabularySize;
    if (!Number.isInteger(target) || target < floor || target >= SHIFT) {
      throw new TokenizerError(`BPE vocabularySize must be an integer in [${floor}, ${SHIFT}) (256 bytes${endOfText ? ' + end-of-text' : ''}), got ${target}`);
    }

    const pieceCounts = new Map<string, number>();
    for (const document of documents) {
      for (const match of document.matchAll(PRE_TOKENIZE)) pieceCounts.set(match[0], (pieceCounts.get(match[0]) ?? 0) + 1);
    }
    const encoder = new TextEncoder();
    const words: number[][] = [];
    const frequencies: number[] = [];
    for (const [piece, count] of pieceCounts) {
      words.push([...encoder.encode(piece)]);
      frequencies.push(count);
    }

    const counts = new Map<number, number>();
    const holders = new Map<number, Set<number>>();
    const addPairs = (w: number, sign: number, changed: Map<number, number>): void => {
      const symbols = words[w] ?? [];
      const f = (frequencies[w] ?? 0) * sign;
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        const key = pairKey(symbols[i] ?? 0, symbols[i + 1] ?? 0);
        changed.set(key, (changed.get(key) ?? 0) + f);
        if (sign > 0) {
          let set = holders.get(key);
          if (set === undefined) holders.set(key, (set = new Set()));
          set.add(w);
        }
      }
    };
    const heap = new PairHeap();
    const apply = (changed: Map<number, number>): void => {
      for (const [key, delta] of changed) {
        if (delta === 0) continue;
        const count = (counts.get(key) ?? 0) + delta;
        if (count > 0) counts.set(key, count);
        else counts.delete(key);
        if (delta > 0) heap.push(count, key);
      }
    };
    const initial = new Map<number, number>();
    for (let w = 0; w < words.length; w += 1) addPairs(w, 1, initial);
    apply(initial);

    const merges: [number, number][] = [];
    const known = new Map<string, number>(BYTE_TO_CHARACTER.map((text, id) => [text, id]));
    const texts: string[] = [...BYTE_TO_CHARACTER];
    let size = floor;
    while (size < target && heap.size > 0) {
      const { count, key } = heap.pop();
      const current = counts.get(key) ?? 0;
      if (current !== count) {
        if (current > 0 && current < count) heap.push(current, key);
        continue;
      }
      if (count < BPE_MIN_PAIR_COUNT) break;
      const left = Math.floor(key / SHIFT);
      const right = key % SHIFT;
      const text = (texts[left] ?? '') + (texts[right] ?? '');
      let result = known.get(text);
      if (result === undefined) {
        result = texts.length;
        texts.push(text);
        known.set(text, result);
        size += 1;
      }
      merges.push([left, right]);
      const changed = new Map<number, number>();
      for (const w of holders.get(key) ?? []) {
        const symbols = words[w] ?? [];
        let present = false;
        for (let i = 0; i + 1 < symbols.length && !present; i += 1) present = symbols[i] === left && symbols[i + 1] === right;
        if (!present) continue;
        addPairs(w, -1, changed);
        words[w] = mergeSymbols(symbols, left, right, result);
        addPairs(w, 1, changed);
      }
      holders.delete(key);
      apply(changed);
    }
    return new BpeTokenizer(merges, endOfText);
  }

  /** The ids of one pre-token piece: its bytes, then the lowest-ranked learnt merge applied until none applies. */
  private encodePiece(piece: string): Int32Array {
    const cached = this.cache.get(piece);
    if (cached !== undefined) return cached;
    let symbols = [...new TextEncoder().encode(piece)];
    for (;;) {
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        const rank = this.ranks.get(pairKey(symbols[i] ?? 0, symbols[i + 1] ?? 0));
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      const merge = this.merges[bestRank];
      if (merge === undefined) break;
      symbols = mergeSymbols(symbols, merge[0], merge[1], merge[2]);
    }
    const ids = Int32Array.from(symbols);
    if (this.cache.size >= 100_000) this.cache.clear();
    this.cache.set(piece, ids);
    return ids;
  }

  /** Token ids of `text` (every string is expressible: byte-level). */
  encode(text: string): Int32Array {
    const parts: Int32Array[] = [];
    let total = 0;
    for (const match of text.matchAll(PRE_TOKENIZE)) {
      const ids = this.encodePiece(match[0]);
      parts.push(ids);
      total += ids.length;
    }
    const out = new Int32Array(total);
    let offset = 0;
    for (const ids of parts) {
      out.set(ids, offset);
      offset += ids.length;
    }
    return out;
  }

  /**
   * The text of `ids`: their bytes decoded as UTF-8 (a byte sequence that is not valid UTF-8, e.g. a character cut in
   * two, decodes as U+FFFD), the end-of-text token as `"\n"`.
   * @throws TokenizerError naming an id out of range and its index.
   */
  decode(ids: ArrayLike<number>): string {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i += 1) {
      const id = ids[i] ?? -1;
      const bytes = id === this.endOfTextId ? NEWLINE : Number.isInteger(id) ? this.tokenBytes[id] : undefined;
      if (bytes === undefined) throw new TokenizerError(`token id ${id} at index ${i} is outside the vocabulary [0, ${this.vocabularySize})`);
      chunks.push(bytes);
      total += bytes.length;
    }
    const all = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return new TextDecoder().decode(all);
  }

  toFile(): TokenizerFile {
    return {
      format: 'counterweight-tokenizer',
      version: 1,
      kind: 'bpe',
      vocabulary: [...this.vocabulary],
      merges: this.merges.map(([left, right]) => `${this.vocabulary[left]} ${this.vocabulary[right]}`),
      endOfTextId: this.endOfTextId,
    };
  }
}

const NEWLINE = Uint8Array.of(10);


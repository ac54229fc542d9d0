// A byte-level scanner over a JSON document held in a Buffer. It finds where each member of an object starts and
// ends without building the tree, so a 100 MB manifest can be parsed one entry at a time (each entry with the native
// JSON.parse) and the sections orch never reads (macros, docs, parent_map, ...) are skipped unparsed. It checks the
// structure it walks (braces, colons, commas); the values it hands out are validated by JSON.parse when decoded.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The scanner met something that is not well-formed JSON; the caller re-parses with JSON.parse for its message. */
export class JsonScanError extends Error {}

/** Byte range `[start, end)` of one value in the buffer. */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
}

function skipWhitespace(buf: Uint8Array, pos: number): number {
  while (pos < buf.length) {
    const c = buf[pos];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    pos++;
  }
  return pos;
}

/** Position just past the closing quote of the string opening at `pos`. */
function skipString(buf: Uint8Array, pos: number): number {
  const n = buf.length;
  let i = pos + 1;
  while (i < n) {
    const c = buf[i++];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
  }
  throw new JsonScanError("unterminated string");
}

/** Position just past the value starting at `pos` (object, array, string or scalar). */
export function skipValue(buf: Uint8Array, pos: number): number {
  const n = buf.length;
  const first = buf[pos];
  if (first === QUOTE) return skipString(buf, pos);
  if (first !== LBRACE && first !== LBRACKET) {
    let i = pos;
    while (i < n) {
      const c = buf[i];
      if (c === COMMA || c === RBRACE || c === RBRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
      i++;
    }
    if (i === pos) throw new JsonScanError(`unexpected byte at ${pos}`);
    return i;
  }
  let depth = 0;
  let i = pos;
  while (i < n) {
    const c = buf[i++];
    if (c === QUOTE) {
      while (i < n) {
        const d = buf[i++];
        if (d === QUOTE) break;
        if (d === BACKSLASH) i++;
      }
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return i;
    }
  }
  throw new JsonScanError("unterminated object or array");
}

function decodeKey(buf: Buffer, start: number, end: number): string {
  // Keys without escapes (all of dbt's) are decoded directly; others go through JSON.parse for the escapes.
  for (let i = start + 1; i < end - 1; i++) {
    if (buf[i] === BACKSLASH) return JSON.parse(buf.toString("utf8", start, end)) as string;
  }
  return buf.toString("utf8", start + 1, end - 1);
}

/**
 * The members of the object starting at `start`: key and the byte range of its value, in document order. The
 * generator's return value is the position just past the closing brace.
 */
export function* objectMembers(buf: Buffer, start: number): Generator<[string, JsonSpan], number> {
  let pos = skipWhitespace(buf, start);
  if (buf[pos] !== LBRACE) throw new JsonScanError(`expected an object at ${pos}`);
  pos = skipWhitespace(buf, pos + 1);
  if (buf[pos] === RBRACE) return pos + 1;
  while (pos < buf.length) {
    if (buf[pos] !== QUOTE) throw new JsonScanError(`expected a key at ${pos}`);
    const keyEnd = skipString(buf, pos);
    const key = decodeKey(buf, pos, keyEnd);
    pos = skipWhitespace(buf, keyEnd);
    if (buf[pos] !== COLON) throw new JsonScanError(`expected ":" at ${pos}`);
    const valueStart = skipWhitespace(buf, pos + 1);
    const end = skipValue(buf, valueStart);
    yield [key, { start: valueStart, end }];
    pos = skipWhitespace(buf, end);
    if (buf[pos] === RBRACE) return pos + 1;
    if (buf[pos] !== COMMA) throw new JsonScanError(`expected "," or "}" at ${pos}`);
    pos = skipWhitespace(buf, pos + 1);
  }
  throw new JsonScanError("unterminated object");
}

/** The top-level object's members (one pass), checking nothing but whitespace follows the document. */
export function topLevelMembers(buf: Buffer): Map<string, JsonSpan> {
  const members = new Map<string, JsonSpan>();
  const walk = objectMembers(buf, 0);
  for (let step = walk.next(); ; step = walk.next()) {
    if (step.done) {
      if (skipWhitespace(buf, step.value) !== buf.length) throw new JsonScanError(`unexpected data after the document at ${step.value}`);
      return members;
    }
    members.set(step.value[0], step.value[1]);
  }
}

/** Decodes one value with the native parser. */
export function parseSpan(buf: Buffer, span: JsonSpan): unknown {
  return JSON.parse(buf.toString("utf8", span.start, span.end));
}

export const isObjectSpan = (buf: Buffer, span: JsonSpan): boolean => buf[span.start] === LBRACE;

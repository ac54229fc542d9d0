import { closest, distance } from "fastest-levenshtein";
import type { SelectionExpr, TraversalDepth } from "./ast.ts";
import { SELECTION_ATTRIBUTES, type SelectionAttributeName } from "./ast.ts";
import { BARE_KEY_CHAR, BARE_TAG_NAME_CHAR, BARE_VALUE_CHAR, isKeyword, isSpace } from "./selection-lexicon.ts";
import { selectionSyntaxError } from "./selection-syntax-error.ts";

const TERM = `a key, "(" or an attribute`;

/**
 * Parses a selection such as `+raw/orders+2 or (group:sales and not tag:pii)`.
 *
 * Grammar (precedence not > and > or; a comma or plain whitespace between terms means or):
 *   or        := and (("or" | "," | whitespace) and)*
 *   and       := not ("and" not)*
 *   not       := "not" not | traversal
 *   traversal := ([digits] "+")? primary ("+" [digits])?   -- each "+" touches the primary
 *   primary   := "(" or ")" | "*" | key | glob | quoted key | name ":" value
 * Throws OrchError INVALID_SELECTION with a caret under the offending token.
 */
export function parseSelection(text: string): SelectionExpr {
  return new SelectionParser(text).parse();
}

class SelectionParser {
  private readonly text: string;
  private pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  parse(): SelectionExpr {
    this.skipSpace();
    if (this.atEnd()) throw this.fail(this.pos, `the selection is empty: expected ${TERM}.`);
    const expr = this.parseOr(undefined);
    this.skipSpace();
    if (!this.atEnd()) throw this.fail(this.pos, `unexpected ")" with no matching "(".`);
    return expr;
  }

  private parseOr(after: string | undefined): SelectionExpr {
    let left = this.parseAnd(after);
    for (;;) {
      const hadSpace = this.skipSpace();
      if (this.atEnd() || this.peek() === ")") return left;
      let right: SelectionExpr;
      if (this.peek() === ",") {
        this.pos++;
        this.skipSpace();
        right = this.parseAnd(`","`);
      } else if (this.takeKeyword("or")) {
        right = this.parseAnd(`"or"`);
      } else if (hadSpace) {
        right = this.parseAnd(undefined);
      } else {
        throw this.fail(this.pos, `expected whitespace, ",", "and", "or" or ")", found ${this.describeNext()}.`);
      }
      left = { type: "or", left, right };
    }
  }

  private parseAnd(after: string | undefined): SelectionExpr {
    let left = this.parseNot(after);
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      if (!this.takeKeyword("and")) {
        this.pos = before;
        return left;
      }
      left = { type: "and", left, right: this.parseNot(`"and"`) };
    }
  }

  private parseNot(after: string | undefined): SelectionExpr {
    this.skipSpace();
    if (this.takeKeyword("not")) return { type: "not", operand: this.parseNot(`"not"`) };
    return this.parseTraversal(after);
  }

  private parseTraversal(after: string | undefined): SelectionExpr {
    const start = this.pos;
    let upstream: TraversalDepth | undefined;
    const prefix = /^(\d*)\+/.exec(this.text.slice(this.pos));
    // `2+` is a depth only when a term follows at once; `2+ b` is the key "2" and its descendants.
    if (prefix && (prefix[1] === "" || this.startsTerm(this.pos + prefix[0].length))) {
      upstream = prefix[1] === "" ? "all" : Number(prefix[1]);
      this.pos += prefix[0].length;
    }
    const operand = this.parsePrimary(upstream === undefined ? after : `"${this.text.slice(start, this.pos)}"`);
    let downstream: TraversalDepth | undefined;
    if (this.peek() === "+") {
      this.pos++;
      const digits = /^\d+/.exec(this.text.slice(this.pos))?.[0];
      downstream = digits === undefined ? "all" : Number(digits);
      this.pos += digits?.length ?? 0;
    }
    if (!this.atEnd() && !isSpace(this.peek()) && this.peek() !== ")" && this.peek() !== ",") {
      const term = this.text.slice(start, this.pos);
      throw this.fail(this.pos, `expected whitespace, ",", "and", "or" or ")" after "${term}", found ${this.describeNext()}.`);
    }
    if (upstream === undefined && downstream === undefined) return operand;
    return {
      type: "traversal",
      operand,
      ...(upstream === undefined ? {} : { upstream }),
      ...(downstream === undefined ? {} : { downstream }),
    };
  }

  private parsePrimary(after: string | undefined): SelectionExpr {
    const start = this.pos;
    const char = this.peek();
    if (char === "(") {
      this.pos++;
      const inner = this.parseOr(`"("`);
      this.skipSpace();
      if (this.peek() !== ")") {
        throw this.fail(this.pos, `expected ")" to close the "(" at position ${start}, found ${this.describeNext()}.`);
      }
      this.pos++;
      return inner;
    }
    if (char === '"' || char === "'") {
      const key = this.readQuoted();
      if (key === "") throw this.fail(start, `expected a key inside the quotes, found an empty string.`);
      return { type: "key", key };
    }
    if (char !== undefined && BARE_KEY_CHAR.test(char)) {
      const word = this.readWhile(BARE_KEY_CHAR);
      if (this.peek() === ":") return this.parseAttribute(word, start);
      if (isKeyword(word)) {
        throw this.fail(start, `expected ${TERM}${afterText(after)}, found the operator "${word}" (quote a key with that name: "${word}").`);
      }
      return keyOrGlob(word);
    }
    throw this.fail(start, `expected ${TERM}${afterText(after)}, found ${this.describeNext()}.`);
  }

  private parseAttribute(name: string, start: number): SelectionExpr {
    if (!isAttributeName(name)) {
      const hint = closest(name, SELECTION_ATTRIBUTES);
      const didYouMean = distance(name, hint) <= 2 ? ` Did you mean "${hint}"?` : "";
      throw this.fail(start, `unknown attribute "${name}": expected one of ${SELECTION_ATTRIBUTES.join(", ")}.${didYouMean}`);
    }
    this.pos++; // ":"
    if (name === "key") {
      if (this.peek() === '"' || this.peek() === "'") return this.parsePrimary(`"key:"`);
      const word = this.readWhile(BARE_KEY_CHAR);
      if (word === "") throw this.fail(this.pos, `expected a key or glob after "key:", found ${this.describeNext()}.`);
      return keyOrGlob(word);
    }
    if (name === "tag") {
      const tagName = this.readValue(BARE_TAG_NAME_CHAR, `a tag name after "tag:"`);
      if (this.peek() !== "=") return { type: "tag", name: tagName };
      this.pos++;
      return { type: "tag", name: tagName, value: this.readValue(BARE_VALUE_CHAR, `a value after "tag:${tagName}="`) };
    }
    return { type: "attribute", attribute: name, value: this.readValue(BARE_VALUE_CHAR, `a value after "${name}:"`) };
  }

  /** A quoted or bare value; `expected` names what is missing when there is none. */
  private readValue(bareChar: RegExp, expected: string): string {
    if (this.peek() === '"' || this.peek() === "'") return this.readQuoted();
    const value = this.readWhile(bareChar);
    if (value === "") throw this.fail(this.pos, `expected ${expected}, found ${this.describeNext()}.`);
    return value;
  }

  /** Reads `"..."` or `'...'`; a backslash escapes the next character. */
  private readQuoted(): string {
    const start = this.pos;
    const quoteChar = this.text[this.pos++];
    let out = "";
    while (!this.atEnd()) {
      const char = this.text[this.pos++] as string;
      if (char === quoteChar) return out;
      if (char === "\\" && !this.atEnd()) out += this.text[this.pos++];
      else out += char;
    }
    throw this.fail(start, `this quoted string is never closed: expected a closing ${quoteChar}.`);
  }

  private readWhile(pattern: RegExp): string {
    const start = this.pos;
    while (!this.atEnd() && pattern.test(this.peek() as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Consumes `word` when it stands alone (not the start of a longer key or an attribute name). */
  private takeKeyword(word: string): boolean {
    const end = this.pos + word.length;
    if (this.text.slice(this.pos, end).toLowerCase() !== word) return false;
    const next = this.text[end];
    if (next !== undefined && (BARE_KEY_CHAR.test(next) || next === ":")) return false;
    this.pos = end;
    return true;
  }

  private startsTerm(at: number): boolean {
    const char = this.text[at];
    return char !== undefined && (char === "(" || char === '"' || char === "'" || BARE_KEY_CHAR.test(char));
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (isSpace(this.peek())) this.pos++;
    return this.pos > start;
  }

  private describeNext(): string {
    if (this.atEnd()) return "the end of the selection";
    return isSpace(this.peek()) ? "a space" : JSON.stringify(this.peek());
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private fail(position: number, problem: string) {
    return selectionSyntaxError(this.text, position, problem);
  }
}

function afterText(after: string | undefined): string {
  return after === undefined ? "" : ` after ${after}`;
}

function keyOrGlob(word: string): SelectionExpr {
  if (word === "*") return { type: "all" };
  return word.includes("*") ? { type: "glob", pattern: word } : { type: "key", key: word };
}

function isAttributeName(name: string): name is SelectionAttributeName {
  return (SELECTION_ATTRIBUTES as readonly string[]).includes(name);
}

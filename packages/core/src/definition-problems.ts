import { isOrchError, OrchError } from "./errors.ts";

const PREFIX = "[orch] ";
const withoutPrefix = (message: string): string => (message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message);

/**
 * What `defineDefinitions` throws: every problem it found, not only the first. `code` and `details` are those of
 * the first problem, so code that checks `error.code` keeps working; `problems` lists each one as its own OrchError.
 * With one problem the message is that problem's message; with several it numbers them, one per line.
 */
export class DefinitionsError extends OrchError {
  readonly problems: readonly OrchError[];

  constructor(problems: readonly OrchError[]) {
    const first = problems[0]!;
    const message =
      problems.length === 1
        ? withoutPrefix(first.message)
        : `${problems.length} problems in the definitions:\n${problems.map((p, i) => `  ${i + 1}. ${withoutPrefix(p.message)}`).join("\n")}`;
    super(first.code, message, { ...(first.details ? { details: first.details } : {}), ...(first.cause !== undefined ? { cause: first.cause } : {}) });
    this.problems = problems;
  }
}

/** Collects refusals while the definitions are checked, so one error can report them all. */
export class ProblemList {
  readonly #problems: OrchError[] = [];

  add(problem: OrchError): void {
    this.#problems.push(problem);
  }

  /** Runs a check that refuses by throwing; an OrchError is recorded and checking goes on, anything else is a bug. */
  attempt(check: () => void): void {
    try {
      check();
    } catch (error) {
      if (!isOrchError(error)) throw error;
      this.#problems.push(error);
    }
  }

  get size(): number {
    return this.#problems.length;
  }

  throwIfAny(): void {
    if (this.#problems.length > 0) throw new DefinitionsError(this.#problems);
  }
}

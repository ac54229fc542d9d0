import { isOrchError } from "@orch/core";
import { CommanderError } from "commander";
import { ZodError } from "zod";

export const EXIT = { success: 0, runFailed: 1, usage: 2, interrupted: 130 } as const;

/** An error the user can fix from its message alone (bad flag, config, selection, run id): no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function isUserError(error: unknown): boolean {
  return error instanceof UsageError || isOrchError(error) || error instanceof CommanderError || error instanceof ZodError;
}

/** Prints an error as one paragraph (plus the stack with `--verbose`) and returns the exit code. */
export function reportError(error: unknown, verbose: boolean, write: (text: string) => void): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.success : EXIT.usage;
  const user = isUserError(error);
  const message = error instanceof Error ? error.message : String(error);
  const prefix = user ? "" : "orch: unexpected error: ";
  write(`${prefix}${message.startsWith("[orch]") || user ? message : `[orch] ${message}`}\n`);
  if (verbose || !user) {
    if (error instanceof Error && error.stack) write(`${error.stack}\n`);
    // A wrapped failure (e.g. a definitions module that threw while loading): its own stack is the useful one.
    const cause = error instanceof Error ? error.cause : undefined;
    if (user && cause instanceof Error && cause.stack) write(`Caused by: ${cause.stack}\n`);
  } else {
    write("(run with --verbose for the stack trace)\n");
  }
  return user ? EXIT.usage : EXIT.runFailed;
}

import { isOrchError } from "./errors.ts";

/** Runs `fn`, which must throw an OrchError, and returns its code and message for assertions. */
export function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isOrchError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

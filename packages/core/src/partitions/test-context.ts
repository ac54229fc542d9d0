import { isOrchError } from "../errors.ts";

export { fixedPartitionsContext } from "./fixed-partitions-context.ts";

export interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The OrchError `run` throws or rejects with, as `{ code, message }`; fails when it succeeds. */
export async function refusal(run: () => unknown): Promise<Refusal> {
  try {
    await run();
  } catch (error) {
    if (isOrchError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected an OrchError, but the call succeeded");
}

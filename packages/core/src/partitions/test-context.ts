import { isOrchError } from "../errors.ts";
import type { PartitionsContext } from "./partitions-definition.ts";

/** A partitions context at a fixed "now" with in-memory dynamic partitions, for tests and examples. */
export function fixedPartitionsContext(now: string | Date, dynamic: Readonly<Record<string, readonly string[]>> = {}): PartitionsContext {
  return {
    now: typeof now === "string" ? new Date(now) : now,
    dynamicPartitions: async (name: string) => dynamic[name] ?? [],
  };
}

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

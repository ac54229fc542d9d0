import type pg from "pg";
import { ErrorCode, OrchError } from "@orch/core";
import { openClient, type PoolOptions } from "./pool.ts";

/**
 * Leader election: a session advisory lock held on a dedicated connection for the life of the process. The
 * server frees it the moment that connection ends — the process exited, was SIGKILLed, or its host vanished
 * (after TCP keepalive) — and a standby waiting in `pg_advisory_lock` gets it at once.
 */
export class LeaderLock {
  readonly #options: PoolOptions;
  #client: pg.Client | undefined;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  async acquire(signal: AbortSignal): Promise<void> {
    if (this.#client !== undefined) return;
    const client = openClient({ ...this.#options, keepAlive: true });
    await client.connect();
    const abort = () => void client.end().catch(() => undefined);
    signal.addEventListener("abort", abort, { once: true });
    try {
      await client.query("SELECT pg_advisory_lock(hashtext($1))", [`orch.leader.${this.#options.schema}`]);
    } catch (error) {
      throw signal.aborted
        ? new OrchError(ErrorCode.STORAGE_ERROR, `Stopped while standing by for the daemon leadership of schema "${this.#options.schema}".`, { pkg: "postgres", cause: error })
        : error;
    } finally {
      signal.removeEventListener("abort", abort);
    }
    this.#client = client;
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    // Ending the session releases the lock.
    if (client !== undefined) await client.end().catch(() => undefined);
  }
}

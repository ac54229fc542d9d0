import { ErrorCode, OrchError, type OrchEvent, type RunStatus } from "@orch/core";
import { encodeEvent } from "@orch/core";
import type { Queryable } from "./db.ts";

/**
 * How far an acknowledged event append survives, as with @orch/sqlite. `"process"` (default): the append is
 * committed when it resolves, so it survives any orch process being killed (a worker, the daemon), but the WAL may
 * not be on disk yet: a crash of the PostgreSQL server itself or its machine may lose the last fraction of a
 * second of appends (`synchronous_commit = off` for event appends only). `"power"`: the server flushes the WAL
 * before acknowledging (the server's own setting, on by default). Run records, claims, locks and run keys always
 * wait for the flush.
 */
export type Durability = "process" | "power";

/** A group of an `append_events()` call the fence refused: its run had already ended. */
export interface RefusedGroup {
  readonly refused_group: number;
  readonly refused_run: string;
  readonly refused_status: RunStatus;
}

/**
 * One `append_events()` call: each group (one `appendEvents` call) is accepted or refused whole by the fence, in
 * the same statement as the insert and the asset index. Runs inside a caller's transaction too (`closeRun`).
 */
export async function appendEventGroups(db: Queryable, groups: readonly (readonly OrchEvent[])[], waitFlush: boolean): Promise<RefusedGroup[]> {
  const columns: unknown[][] = [[], [], [], [], [], [], [], []];
  groups.forEach((events, group) => {
    for (const event of events) {
      const row = encodeEvent(event);
      const values = [group, row.run_id, row.type, row.step_key, row.asset_key, row.partition, row.timestamp, row.body];
      values.forEach((value, i) => columns[i]!.push(value));
    }
  });
  return db.query<RefusedGroup>(
    "SELECT * FROM append_events($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9)",
    [...columns, waitFlush],
  );
}

interface Pending {
  readonly events: readonly OrchEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Appends events in batches, one round trip per batch: every `appendEvents` call made while a batch is in flight
 * joins the next one, so a busy run pays one `append_events()` call per round trip rather than per event. Each
 * call is a group the fence accepts or refuses whole; the others in its batch are written.
 */
export class EventWriter {
  #queue: Pending[] = [];
  #inFlight: Promise<void> | undefined;
  batches = 0;
  eventsWritten = 0;

  readonly #db: Queryable;

  readonly #waitFlush: boolean;

  constructor(db: Queryable, durability: Durability) {
    this.#db = db;
    this.#waitFlush = durability === "power";
  }

  append(events: readonly OrchEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      if (this.#inFlight === undefined) this.#inFlight = this.#drain();
    });
  }

  /** Resolves once every append made before the call is written (or refused). */
  async idle(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  async #drain(): Promise<void> {
    // Let appends of the current turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      await this.#write(batch);
    }
    this.#inFlight = undefined;
  }

  async #write(batch: readonly Pending[]): Promise<void> {
    try {
      const refused = await appendEventGroups(this.#db, batch.map((pending) => pending.events), this.#waitFlush);
      this.batches++;
      const byGroup = new Map(refused.map((r) => [r.refused_group, r]));
      batch.forEach((pending, group) => {
        const fenced = byGroup.get(group);
        if (fenced === undefined) {
          this.eventsWritten += pending.events.length;
          return pending.resolve();
        }
        pending.reject(
          new OrchError(ErrorCode.RUN_ALREADY_ENDED, `Run ${fenced.refused_run} already ended (${fenced.refused_status}); the storage refuses further events for it.`, {
            pkg: "postgres",
            details: { runId: fenced.refused_run, status: fenced.refused_status },
          }),
        );
      });
    } catch (error) {
      // A batch that fails as a whole (a malformed event) is retried call by call, so only the bad call fails.
      if (batch.length > 1) {
        for (const pending of batch) await this.#write([pending]);
        return;
      }
      batch[0]!.reject(error);
    }
  }
}

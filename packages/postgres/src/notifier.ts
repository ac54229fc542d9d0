import type pg from "pg";
import { openClient, type PoolOptions } from "./pool.ts";

/**
 * LISTEN on `<schema>_events` on one dedicated connection, shared by every watcher of this storage. `append_events()`
 * notifies with the newest event id when its transaction commits.
 */
export class EventNotifier {
  #client: Promise<pg.Client> | undefined;
  readonly #listeners = new Set<(latestEventId: number) => void>();

  readonly #options: PoolOptions;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  async watch(listener: (latestEventId: number) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    await this.#connect();
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.close();
    };
  }

  #connect(): Promise<pg.Client> {
    this.#client ??= (async () => {
      const client = openClient(this.#options);
      await client.connect();
      client.on("notification", (message) => {
        const id = Number(message.payload);
        for (const listener of this.#listeners) listener(id);
      });
      await client.query(`LISTEN ${this.#options.schema}_events`);
      return client;
    })();
    return this.#client;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await (await client).end().catch(() => undefined);
  }
}

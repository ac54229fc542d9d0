interface PendingWrite<T> {
  readonly items: readonly T[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces writes made within one turn of the event loop into one transaction: callers enqueue, a
 * `setImmediate` flushes everything queued so far, and each caller's promise settles after the commit.
 * `flush()` can also be called synchronously (before reads and other writes) to keep read-your-writes order.
 */
export class WriteBatcher<T> {
  readonly #commit: (batches: readonly (readonly T[])[]) => void;
  #pending: PendingWrite<T>[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** How many transactions were committed (or attempted): tests use it to see the coalescing. */
  transactions = 0;

  constructor(commit: (batches: readonly (readonly T[])[]) => void) {
    this.#commit = commit;
  }

  enqueue(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ items, resolve, reject });
      this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  flush(): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    try {
      this.transactions++;
      this.#commit(pending.map((write) => write.items));
      for (const write of pending) write.resolve();
    } catch (error) {
      if (pending.length === 1) {
        pending[0]!.reject(error);
        return;
      }
      // One bad batch must not fail its neighbours: retry each on its own.
      for (const write of pending) {
        try {
          this.transactions++;
          this.#commit([write.items]);
          write.resolve();
        } catch (own) {
          write.reject(own);
        }
      }
    }
  }
}

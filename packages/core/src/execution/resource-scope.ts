import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { StepLogger } from "../logger.ts";
import type { ResourceDefinition } from "../resource.ts";

/**
 * Resources of one run (or one worker): each set up on first use, at most once, and torn down in reverse
 * order of setup, even when the run fails.
 */
export class ResourceScope {
  readonly #definitions: Definitions;
  readonly #config: ReadonlyMap<string, unknown>;
  readonly #runId: string;
  readonly #log: StepLogger;
  readonly #ready = new Map<string, Promise<unknown>>();
  readonly #setupOrder: { key: string; def: ResourceDefinition; value: unknown }[] = [];

  constructor(definitions: Definitions, config: ReadonlyMap<string, unknown>, runId: string, log: StepLogger) {
    this.#definitions = definitions;
    this.#config = config;
    this.#runId = runId;
    this.#log = log;
  }

  async get(keys: readonly string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = await this.#one(key, []);
    return out;
  }

  #one(key: string, chain: readonly string[]): Promise<unknown> {
    if (chain.includes(key)) {
      throw new OrchError(ErrorCode.RESOURCE_SETUP_FAILED, `Resources require each other in a loop: ${[...chain, key].join(" → ")}.`);
    }
    let ready = this.#ready.get(key);
    if (!ready) {
      ready = this.#setup(key, [...chain, key]);
      this.#ready.set(key, ready);
    }
    return ready;
  }

  async #setup(key: string, chain: readonly string[]): Promise<unknown> {
    const def = this.#definitions.resources.get(key);
    if (!def) throw new OrchError(ErrorCode.MISSING_RESOURCE, `Resource "${key}" is not provided.`);
    const resources: Record<string, unknown> = {};
    for (const dep of def.requires ?? []) resources[dep] = await this.#one(dep, chain);
    try {
      const value = await def.create(this.#config.get(key), { runId: this.#runId, log: this.#log, resources });
      this.#setupOrder.push({ key, def, value });
      return value;
    } catch (error) {
      throw new OrchError(ErrorCode.RESOURCE_SETUP_FAILED, `Resource "${key}" failed to set up: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    }
  }

  /** Tears down every resource set up so far, newest first; failures are logged, not thrown. */
  async teardown(): Promise<void> {
    for (const { key, def, value } of this.#setupOrder.reverse()) {
      if (!def.teardown) continue;
      try {
        await def.teardown(value, { runId: this.#runId, log: this.#log, resources: {} });
      } catch (error) {
        this.#log.warn(`Resource "${key}" failed to tear down: ${(error as Error)?.message ?? String(error)}`);
      }
    }
    this.#setupOrder.length = 0;
    this.#ready.clear();
  }
}

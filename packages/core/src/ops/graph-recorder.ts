import { ErrorCode, OrchError } from "../errors.ts";
import type { OpSpec } from "./op-spec.ts";

/** Which dynamic output a mapped invocation runs once per key of. */
export interface MapScope {
  readonly source: string;
  readonly output: string;
}

/** How an input reads its upstream output. */
export type WireKind =
  /** The upstream value as is (inside a mapping: the value of the same key). */
  | "value"
  /** One key's value of a dynamic output: the mapped step's own key. */
  | "mapped_item"
  /** Every key's output of a mapped op, as a list in key order. */
  | "collect"
  /** Every value of a dynamic output, as a list in key order. */
  | "collect_source";

export interface InputWire {
  readonly kind: WireKind;
  readonly from: string;
  readonly output: string;
}

/** One op invoked in a job: its path (`outer.inner.load`), the op, and where each input comes from. */
export interface Invocation {
  readonly path: string;
  readonly op: OpSpec;
  readonly inputs: ReadonlyMap<string, InputWire>;
  readonly mapping?: MapScope;
}

/**
 * Records op invocations while a job's graph function runs: calling an op adds an invocation and returns handles
 * to its outputs; passing handles to another op records the edges.
 */
export class GraphRecorder {
  readonly jobName: string;
  readonly invocations = new Map<string, Invocation>();
  readonly #namespace: string[] = [];
  #scope: MapScope | undefined;

  constructor(jobName: string) {
    this.jobName = jobName;
  }

  get scope(): MapScope | undefined {
    return this.#scope;
  }

  pathOf(name: string): string {
    return [...this.#namespace, name].join(".");
  }

  add(invocation: Invocation): void {
    if (this.invocations.has(invocation.path)) {
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Job "${this.jobName}" invokes op "${invocation.path}" twice. Give each invocation its own name with .alias("...").`,
        { details: { job: this.jobName, op: invocation.path } },
      );
    }
    this.invocations.set(invocation.path, invocation);
  }

  inNamespace<T>(name: string, build: () => T): T {
    this.#namespace.push(name);
    try {
      return build();
    } finally {
      this.#namespace.pop();
    }
  }

  inScope<T>(scope: MapScope, build: () => T): T {
    if (this.#scope) {
      throw new OrchError(
        ErrorCode.INVALID_DEFINITION,
        `Job "${this.jobName}": .map() inside another .map() (over "${this.#scope.source}.${this.#scope.output}") is not supported; collect first.`,
      );
    }
    this.#scope = scope;
    try {
      return build();
    } finally {
      this.#scope = undefined;
    }
  }
}

let current: GraphRecorder | undefined;

/** Runs a job's graph function with `recorder` receiving every op call. */
export function recordGraph(recorder: GraphRecorder, build: () => unknown): void {
  const previous = current;
  current = recorder;
  try {
    build();
  } finally {
    current = previous;
  }
}

export function currentRecorder(what: string): GraphRecorder {
  if (!current) {
    throw new OrchError(
      ErrorCode.INVALID_DEFINITION,
      `${what} was called outside a job or graph builder. Call ops inside job({ graph: () => ... }) or graph({ build }) to wire them.`,
    );
  }
  return current;
}

export function sameScope(a: MapScope | undefined, b: MapScope | undefined): boolean {
  return a?.source === b?.source && a?.output === b?.output;
}

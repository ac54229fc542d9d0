import { ErrorCode, OrchError } from "../errors.ts";
import { currentRecorder, type MapScope, type WireKind } from "./graph-recorder.ts";

/** A reference to an op output inside a job builder; pass it to another op to wire an edge. */
export interface OutputHandle<T = unknown> {
  readonly kind: "orch.handle";
  readonly from: string;
  readonly output: string;
  readonly wire: WireKind;
  /** Set when the value exists once per key of a dynamic output. */
  readonly scope?: MapScope;
  readonly __type?: T;
}

/** The keyed values of a dynamic output, or of an op mapped over one. */
export interface DynamicHandle<T = unknown> {
  readonly kind: "orch.dynamic_handle";
  readonly from: string;
  readonly output: string;
  /** Set when this is a mapped op's output rather than the dynamic output itself. */
  readonly scope?: MapScope;
  /** Runs `fn` once per key: ops called inside it become steps `op[key]`. */
  map<R>(fn: (item: OutputHandle<T>) => R): Mapped<R>;
  /** Gathers every key's value into one list, in key order, for one downstream op. */
  collect(): OutputHandle<T[]>;
  readonly __type?: T;
}

/** What `.map()` returns: the mapped op's handles, still keyed. */
export type Mapped<R> =
  R extends OutputHandle<infer U> ? DynamicHandle<U> : R extends void | undefined ? void : { [K in keyof R]: R[K] extends OutputHandle<infer U> ? DynamicHandle<U> : never };

export function outputHandle<T>(from: string, output: string, wire: WireKind, scope?: MapScope): OutputHandle<T> {
  return Object.freeze({ kind: "orch.handle", from, output, wire, ...(scope ? { scope } : {}) });
}

export function dynamicHandle<T>(from: string, output: string, scope?: MapScope): DynamicHandle<T> {
  const handle: DynamicHandle<T> = {
    kind: "orch.dynamic_handle",
    from,
    output,
    ...(scope ? { scope } : {}),
    map<R>(fn: (item: OutputHandle<T>) => R): Mapped<R> {
      const recorder = currentRecorder(`.map() on "${from}.${output}"`);
      const mapScope = scope ?? { source: from, output };
      const item = outputHandle<T>(from, output, scope ? "value" : "mapped_item", mapScope);
      const result = recorder.inScope(mapScope, () => fn(item));
      return liftMapped(result, `${from}.${output}`) as Mapped<R>;
    },
    collect(): OutputHandle<T[]> {
      return outputHandle<T[]>(from, output, scope ? "collect" : "collect_source");
    },
  };
  return Object.freeze(handle);
}

function liftMapped(result: unknown, over: string): unknown {
  if (result === undefined) return undefined;
  if (isOutputHandle(result)) return dynamicHandle(result.from, result.output, result.scope);
  if (typeof result === "object" && result !== null) {
    return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, liftMapped(v, over)]));
  }
  throw new OrchError(ErrorCode.INVALID_DEFINITION, `The function given to .map() over "${over}" must return op outputs (or nothing), not a ${typeof result}.`);
}

export function isOutputHandle(value: unknown): value is OutputHandle {
  return typeof value === "object" && value !== null && (value as OutputHandle).kind === "orch.handle";
}

export function isDynamicHandle(value: unknown): value is DynamicHandle {
  return typeof value === "object" && value !== null && (value as DynamicHandle).kind === "orch.dynamic_handle";
}

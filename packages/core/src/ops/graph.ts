import { currentRecorder } from "./graph-recorder.ts";
import { checkName } from "./op.ts";

/** A reusable piece of a job: its ops become steps namespaced by the graph's name (`outer.inner.load`). */
export interface GraphDefinition<A extends unknown[] = any[], R = any> {
  (...args: A): R;
  readonly kind: "orch.graph";
  readonly name: string;
  /** The same graph under another name, to use it more than once in a job. */
  alias(name: string): GraphDefinition<A, R>;
}

export interface GraphOptions<A extends unknown[], R> {
  name: string;
  description?: string;
  /** Calls ops with the handles it is given and returns handles to the outputs it exposes. */
  build: (...args: A) => R;
}

/** Declares a graph of ops, used inside a job (or another graph) by calling it like an op. */
export function graph<A extends unknown[], R>(options: GraphOptions<A, R>): GraphDefinition<A, R> {
  checkName(options.name, "Graph");
  return graphDefinition(options, options.name);
}

function graphDefinition<A extends unknown[], R>(options: GraphOptions<A, R>, alias: string): GraphDefinition<A, R> {
  const call = (...args: A): R => currentRecorder(`Graph "${alias}"`).inNamespace(alias, () => options.build(...args));
  return Object.defineProperties(call, {
    kind: { value: "orch.graph", enumerable: true },
    name: { value: alias, enumerable: true },
    alias: {
      value: (next: string) => {
        checkName(next, `Alias of graph "${options.name}"`);
        return graphDefinition(options, next);
      },
    },
  }) as unknown as GraphDefinition<A, R>;
}

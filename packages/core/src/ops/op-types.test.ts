import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { dynamicOut, In, job, op, Out, type DynamicHandle, type OutputHandle } from "./index.ts";

describe("op types", () => {
  it("infers outputs into downstream ins, config and multi-output returns", () => {
    const load = op({ name: "load", compute: () => [{ id: 1, amount: 2.5 }] });
    expectTypeOf<ReturnType<typeof load>>().toEqualTypeOf<OutputHandle<{ id: number; amount: number }[]>>();

    const total = op({
      name: "total",
      ins: { rows: In<{ id: number; amount: number }[]>() },
      config: z.object({ scale: z.number() }),
      compute: ({ ins, config }) => {
        expectTypeOf(ins.rows).toEqualTypeOf<{ id: number; amount: number }[]>();
        expectTypeOf(config).toEqualTypeOf<{ scale: number }>();
        return ins.rows.reduce((sum, r) => sum + r.amount, 0) * config.scale;
      },
    });
    const label = op({ name: "label", ins: { text: In<string>() }, compute: ({ ins }) => ins.text });

    const split = op({
      name: "split",
      outs: { good: Out<number>(), bad: Out<string>({ optional: true }), parts: dynamicOut<number>() },
      // `bad` and `parts` may be missing; `good` may not.
      compute: () => ({ good: 1 }),
    });
    job({
      name: "typed",
      graph: () => {
        const sum = total({ rows: load() });
        expectTypeOf(sum).toEqualTypeOf<OutputHandle<number>>();
        // @ts-expect-error a number output cannot feed a string input
        label({ text: sum });
        const { good, bad, parts } = split();
        expectTypeOf(good).toEqualTypeOf<OutputHandle<number>>();
        expectTypeOf(bad).toEqualTypeOf<OutputHandle<string>>();
        expectTypeOf(parts).toEqualTypeOf<DynamicHandle<number>>();
        label.alias("label_bad")({ text: bad });
        expectTypeOf(parts.collect()).toEqualTypeOf<OutputHandle<number[]>>();
      },
    });
    // @ts-expect-error `good` is a required output
    op({ name: "missing", outs: { good: Out<number>() }, compute: () => ({}) });
  });
});

import { fileURLToPath } from "node:url";
import { materialize, memoryIOManager, makeStepLogger, type Definitions, type MaterializeOptions, type StoredEvent } from "@orch/core";

export const fixture = (name: string): string => fileURLToPath(new URL(`./test-fixtures/${name}`, import.meta.url));

export async function runModule(module: string, options: Omit<MaterializeOptions, "definitionsModule" | "defaultIOManager"> & { definitionsModule?: string | null }) {
  const mod = (await import(module)) as { default?: Definitions; definitions?: Definitions };
  const definitions = (mod.default ?? mod.definitions)!;
  const io = memoryIOManager();
  const { definitionsModule, ...rest } = options;
  const result = await materialize(definitions, {
    ...rest,
    defaultIOManager: io,
    ...(definitionsModule === null ? {} : { definitionsModule: definitionsModule ?? module }),
  });
  const events = await result.instance.getEvents(result.runId);
  const value = (key: string) =>
    io.loadInput({
      runId: result.runId,
      stepKey: "test",
      inputName: key,
      assetKey: [key],
      upstreamOutput: { runId: result.runId, stepKey: key, outputName: "result", assetKey: [key], definitionMetadata: {} },
      log: makeStepLogger(() => {}),
    });
  return { result, events, value };
}

export const ofType = <T extends StoredEvent["type"]>(events: readonly StoredEvent[], type: T, stepKey?: string) =>
  events.filter((e) => e.type === type && (stepKey === undefined || e.stepKey === stepKey)) as Extract<StoredEvent, { type: T }>[];

/** Most steps running at once, from STEP_START/end timestamps (an end and a start in the same ms do not overlap). */
export function maxOverlap(events: readonly StoredEvent[], include: (stepKey: string) => boolean): number {
  const edges: [number, number][] = [];
  for (const e of events) {
    if (!e.stepKey || !include(e.stepKey)) continue;
    if (e.type === "STEP_START") edges.push([e.timestamp, 1]);
    if (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE") edges.push([e.timestamp, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (now += delta));
  return max;
}

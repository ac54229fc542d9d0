// Piscina task entry: one task is one step (or the init/teardown of this worker's state). Every step runs
// through core's `runStep`, the same step boundary as every other executor.
import { runStep, serializeError, type RunServices } from "@orch/core";
import type { TaskBase, TaskRequest, TaskResult } from "../protocol.ts";
import { PortClient } from "./port-client.ts";
import { WorkerState } from "./worker-state.ts";

const states = new Map<string, Promise<WorkerState>>();

export default async function runTask(task: TaskRequest): Promise<TaskResult> {
  const client = new PortClient(task.port);
  try {
    if (task.kind === "teardown") {
      await tearDownStates(client);
      await client.arriveAndWait();
      return { ok: true };
    }
    const state = await stateFor(task);
    if (task.kind === "init") return { ok: true };
    state.begin(client, task.run);
    try {
      const services: RunServices = {
        definitions: state.definitions,
        run: task.run,
        events: client,
        resources: state.resources,
        ioManager: (key) => state.ioManager(key, client),
        ioManagerName: (key) => key,
        config: state.configFor(task.step),
        signal: client.signal,
        pending: new Set(),
      };
      return { ok: true, outcome: await runStep(services, task.step) };
    } finally {
      state.end();
    }
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  } finally {
    client.close();
  }
}

function stateFor(task: TaskBase): Promise<WorkerState> {
  const key = `${task.module}\0${JSON.stringify(task.runConfig ?? {})}\0${task.codecs.join("\0")}\0${task.instance?.configPath ?? ""}`;
  let state = states.get(key);
  if (!state) {
    state = WorkerState.create(task);
    states.set(key, state);
    // A failed load is not cached: the next task tries again and reports its own error.
    state.catch(() => states.delete(key));
  }
  return state;
}

async function tearDownStates(client: PortClient): Promise<void> {
  const all = [...states.values()];
  states.clear();
  for (const pending of all) {
    const state = await pending.catch(() => undefined);
    if (!state) continue;
    state.begin(client);
    try {
      await state.teardown();
    } finally {
      state.end();
    }
  }
}

import type { InstigatorKind, InstigatorState, InstigatorStatus } from "../automation-storage.ts";
import type { Definitions } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { InstanceStorage } from "../storage.ts";
import { didYouMean } from "../suggest.ts";

/** Running or stopped: what `orch schedule|sensor start|stop` set, else the definition's default. */
export function effectiveStatus(defaultStatus: InstigatorStatus, state: InstigatorState | undefined): InstigatorStatus {
  return state?.status ?? defaultStatus;
}

/** The schedule or sensor of that name, refused with the known names otherwise. */
export function findInstigator(definitions: Definitions, kind: InstigatorKind, name: string): { readonly name: string; readonly defaultStatus: InstigatorStatus } {
  const map = kind === "schedule" ? definitions.schedules : definitions.sensors;
  const found = map.get(name);
  if (found === undefined) {
    const known = [...map.keys()];
    throw new OrchError(ErrorCode.INVALID_SELECTION, `Unknown ${kind} "${name}". ${kind === "schedule" ? "Schedules" : "Sensors"}: ${known.length ? known.join(", ") : "(none)"}.${didYouMean(name, known)}`, {
      details: { [kind]: name },
    });
  }
  return found;
}

/**
 * Starts or stops a schedule or sensor. Starting counts from now: ticks due while it was stopped are not run.
 */
export async function setInstigatorStatus(
  definitions: Definitions,
  instance: InstanceStorage,
  kind: InstigatorKind,
  name: string,
  status: InstigatorStatus,
  now = Date.now(),
): Promise<InstigatorState> {
  const found = findInstigator(definitions, kind, name);
  const state = await instance.getInstigatorState(found.name);
  const wasRunning = effectiveStatus(found.defaultStatus, state) === "running";
  const next: InstigatorState = {
    ...state,
    name,
    kind,
    status,
    ...(status === "running" && !wasRunning && kind === "schedule" ? { lastTickAt: now } : {}),
    updatedAt: now,
  };
  await instance.setInstigatorStates([next]);
  return next;
}

/** Sets a sensor's cursor (`orch sensor cursor <name> --set c`); undefined clears it. */
export async function setSensorCursor(definitions: Definitions, instance: InstanceStorage, name: string, cursor: string | undefined, now = Date.now()): Promise<void> {
  findInstigator(definitions, "sensor", name);
  const state = await instance.getInstigatorState(name);
  const { cursor: _old, ...rest } = state ?? { name, kind: "sensor" as const, updatedAt: now };
  await instance.setInstigatorStates([{ ...rest, ...(cursor !== undefined ? { cursor } : {}), updatedAt: now }]);
}

import type { JobDefinition } from "../definitions.ts";
import type { OrchEventType, StoredEvent } from "../events.ts";
import type { RunRecord } from "../run-record.ts";
import { selectAssetKeys } from "../execution/select.ts";
import { isSkipReason } from "./skip.ts";
import { sensorBase, type SensorOptions } from "./sensor.ts";
import type { RunRequest, SensorDefinition, SensorEvaluationContext, SensorResult, SkipReason } from "./types.ts";

export type FinishedRunStatus = "SUCCESS" | "FAILURE" | "CANCELED";

const EVENT_OF: Record<FinishedRunStatus, OrchEventType> = { SUCCESS: "RUN_SUCCESS", FAILURE: "RUN_FAILURE", CANCELED: "RUN_CANCELED" };

export interface RunStatusSensorContext extends SensorEvaluationContext {
  readonly run: RunRecord;
  /** The RUN_SUCCESS / RUN_FAILURE / RUN_CANCELED event (failure reason and error are on it). */
  readonly event: StoredEvent;
}

export interface RunStatusSensorOptions extends Omit<SensorOptions, "evaluate" | "minimumIntervalSeconds"> {
  readonly status: FinishedRunStatus | readonly FinishedRunStatus[];
  /** Runs of these jobs, or touching assets of this selection; default every run. */
  readonly monitored?: string | { readonly selection?: string; readonly jobs?: readonly (string | JobDefinition)[] };
  /** Called once per finished run, oldest first. Requests it returns use the sensor's target by default. */
  readonly handler: (context: RunStatusSensorContext) => readonly RunRequest[] | SkipReason | void | Promise<readonly RunRequest[] | SkipReason | void>;
  /** Default 5 s: alerts should not wait the 30 s of other sensors. */
  readonly minimumIntervalSeconds?: number;
  /** Finished runs handled per tick (default 100); the rest wait for the next tick. */
  readonly batchSize?: number;
}

/**
 * Handles each run that finishes with a status, wherever it was launched. The cursor is the id of the last
 * run-end event handled; a first tick starts at the end of the log (it does not replay history). A handler that
 * throws fails the tick after the runs before it, whose cursor is committed, so each run is handled once.
 */
export function runStatusSensor(options: RunStatusSensorOptions): SensorDefinition {
  const base = sensorBase("runStatusSensor", { ...options, minimumIntervalSeconds: options.minimumIntervalSeconds ?? 5 });
  const statuses = typeof options.status === "string" ? [options.status] : [...options.status];
  const monitored = typeof options.monitored === "string" ? { selection: options.monitored } : options.monitored;
  const jobs = monitored?.jobs?.map((job) => (typeof job === "string" ? job : job.name));
  const batchSize = options.batchSize ?? 100;
  const types = statuses.map((status) => EVENT_OF[status]);

  return Object.freeze({
    ...base,
    sensorKind: "run_status",
    runStatus: { statuses, ...(monitored ? { monitored: { ...(monitored.selection !== undefined ? { selection: monitored.selection } : {}), ...(jobs ? { jobs } : {}) } } : {}) },
    async evaluate(context: SensorEvaluationContext): Promise<SensorResult> {
      if (context.cursor === undefined) {
        const latest = await context.instance.getLatestEventId();
        return { cursor: String(latest), skipReason: "first tick: runs that finish from now on are handled" };
      }
      const events = await context.instance.getEventsAfter({ afterId: Number(context.cursor), types, limit: batchSize });
      if (events.length === 0) return { skipReason: `no run finished with ${statuses.join(" or ")} since event ${context.cursor}` };
      const assets = monitored?.selection !== undefined ? selectAssetKeys(context.definitions, monitored.selection) : undefined;
      const isMonitored = (run: RunRecord) =>
        (!jobs && !assets) || (jobs !== undefined && run.jobName !== undefined && jobs.includes(run.jobName)) || (assets !== undefined && run.assetKeys.some((key) => assets.has(key)));
      const runRequests: RunRequest[] = [];
      let cursor = context.cursor;
      for (const event of events) {
        const run = await context.instance.getRun(event.runId);
        if (run && isMonitored(run)) {
          try {
            const returned = await options.handler({ ...context, run, event });
            if (returned !== undefined && !isSkipReason(returned)) runRequests.push(...returned);
          } catch (error) {
            return { cursor, runRequests, error };
          }
        }
        cursor = String(event.id);
      }
      return { cursor, runRequests, ...(runRequests.length === 0 ? { skipReason: `handled ${events.length} finished run(s); no run requested` } : {}) };
    },
  });
}

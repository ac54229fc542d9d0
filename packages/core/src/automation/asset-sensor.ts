import { assetKeyToString, toAssetKey, type AssetKeyInput } from "../asset-key.ts";
import type { AssetsDefinition } from "../asset.ts";
import type { StoredEvent } from "../events.ts";
import { isSkipReason } from "./skip.ts";
import { sensorBase, type SensorOptions } from "./sensor.ts";
import type { RunRequest, SensorDefinition, SensorEvaluationContext, SensorResult, SkipReason } from "./types.ts";

export interface AssetSensorOptions extends Omit<SensorOptions, "evaluate"> {
  /** Asset keys (or asset definitions, all their keys) whose new materializations fire the sensor. */
  readonly assets: readonly (AssetKeyInput | AssetsDefinition)[];
  /**
   * Turns the new materializations (ascending event id, at most `batchSize`) into run requests. Default: one
   * request for the target, keyed by the newest event id, so each batch launches once.
   */
  readonly handler?: (context: SensorEvaluationContext, materializations: readonly StoredEvent[]) => readonly RunRequest[] | SkipReason | void | Promise<readonly RunRequest[] | SkipReason | void>;
  /** Materializations read per tick (default 1,000); the cursor moves past the ones read. */
  readonly batchSize?: number;
}

function watchedKeys(assets: AssetSensorOptions["assets"]): string[] {
  const keys = new Set<string>();
  for (const asset of assets) {
    if (typeof asset === "object" && asset !== null && "specs" in asset) for (const spec of asset.specs) keys.add(assetKeyToString(spec.key));
    else keys.add(assetKeyToString(toAssetKey(asset as AssetKeyInput)));
  }
  return [...keys];
}

/** Fires on new materializations of some assets; its cursor is the last event id seen. */
export function assetSensor(options: AssetSensorOptions): SensorDefinition {
  const base = sensorBase("assetSensor", options);
  const assets = watchedKeys(options.assets);
  const batchSize = options.batchSize ?? 1000;
  return Object.freeze({
    ...base,
    sensorKind: "asset",
    assets,
    async evaluate(context: SensorEvaluationContext): Promise<SensorResult> {
      const afterEventId = context.cursor === undefined ? 0 : Number(context.cursor);
      const events = await context.instance.getMaterializationsAfter({ assetKeys: assets, afterEventId, limit: batchSize });
      const newest = events.at(-1);
      if (!newest) return { skipReason: `no new materialization of ${assets.join(", ")}` };
      const cursor = String(newest.id);
      const handled = options.handler ? await options.handler(context, events) : [{ runKey: `materialization:${newest.id}` }];
      if (handled === undefined) return { cursor, skipReason: `the handler requested no runs for ${events.length} new materialization(s)` };
      if (isSkipReason(handled)) return { cursor, skipReason: handled };
      return { cursor, runRequests: handled };
    },
  });
}


import { asset, type AssetAttributes, type AssetContext, type AssetDefinition, type AssetKeyInput, type AssetsDefinition, type PartitionsDefinition, type RetryPolicy } from "@orch/core";
import type { z } from "zod";
import type { SparkRunOptions, SparkSubmitClient } from "./spark-submit.ts";
import { checkConf, type SparkConfValue } from "./submit-args.ts";

type Context = AssetContext<{}, unknown, string>;
type PerRun<T> = T | ((context: Context) => T);

export interface SparkAssetOptions extends AssetAttributes, Omit<SparkRunOptions, "args" | "conf" | "assetKeys" | "extras"> {
  /** Application arguments, or a function of the context (e.g. to pass the partition key). */
  readonly args?: PerRun<readonly string[]>;
  readonly conf?: PerRun<Readonly<Record<string, SparkConfValue>>>;
  readonly extras?: PerRun<Readonly<Record<string, unknown>>>;
  /** Resource key of the sparkSubmitResource; default `spark`. */
  readonly resourceKey?: string;
  readonly deps?: readonly (AssetsDefinition | AssetKeyInput)[];
  readonly partitions?: PartitionsDefinition;
  readonly config?: z.ZodType;
  readonly retry?: RetryPolicy;
  readonly codeVersion?: string;
}

/** An asset computed by a Spark application; the job reports its materialization and checks through Pipes. */
export function sparkAsset(options: SparkAssetOptions): AssetDefinition<null> {
  const { resourceKey = "spark", args, conf, extras, application, name, className, jars, pyFiles, files, extraArgs, deps, partitions, config, retry, codeVersion, ...attributes } = options;
  if (typeof conf === "object") checkConf(conf, `Spark asset ${JSON.stringify(attributes.key)}`);
  const perRun = <T>(value: PerRun<T> | undefined, context: Context): T | undefined => (typeof value === "function" ? (value as (c: Context) => T)(context) : value);
  return asset({
    ...attributes,
    kinds: attributes.kinds ?? ["spark"],
    ...(deps ? { deps } : {}),
    ...(partitions ? { partitions } : {}),
    ...(config ? { config } : {}),
    ...(retry ? { retry } : {}),
    ...(codeVersion ? { codeVersion } : {}),
    resources: [resourceKey],
    async compute(context) {
      const spark = context.resources[resourceKey] as SparkSubmitClient;
      const runArgs = perRun(args, context);
      const runConf = perRun(conf, context);
      const runExtras = perRun(extras, context);
      const result = await spark.run(context, {
        application,
        ...(name ? { name } : {}),
        ...(className ? { className } : {}),
        ...(jars ? { jars } : {}),
        ...(pyFiles ? { pyFiles } : {}),
        ...(files ? { files } : {}),
        ...(extraArgs ? { extraArgs } : {}),
        ...(runArgs ? { args: runArgs } : {}),
        ...(runConf ? { conf: runConf } : {}),
        ...(runExtras ? { extras: runExtras } : {}),
      });
      return result.output();
    },
  });
}

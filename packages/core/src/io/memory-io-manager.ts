import { assetKeyToString } from "../asset-key.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { InputContext, IOManager, OutputContext } from "../io-manager.ts";

/**
 * Keeps values in process memory, keyed by asset (and partition) or, for op outputs, by run and step. The default
 * for `materialize()` in tests and benchmarks; values are gone when the process ends.
 */
export function memoryIOManager(): IOManager & { readonly size: number } {
  const values = new Map<string, unknown>();
  const keyOf = (
    runId: string,
    stepKey: string,
    outputName: string,
    assetKey: readonly string[] | undefined,
    partition: string | undefined,
  ) => (assetKey ? `asset:${assetKeyToString(assetKey)}|${partition ?? ""}` : `op:${runId}/${stepKey}/${outputName}`);

  const read = (context: InputContext, partition: string | undefined) => {
    const up = context.upstreamOutput;
    const key = keyOf(up.runId, up.stepKey, up.outputName, up.assetKey, partition);
    if (!values.has(key)) {
      const what = up.assetKey ? `asset "${assetKeyToString(up.assetKey)}"${partition ? ` partition "${partition}"` : ""}` : `output "${up.outputName}" of step "${up.stepKey}"`;
      throw new OrchError(
        ErrorCode.OUTPUT_NOT_FOUND,
        `Input "${context.inputName}" of step "${context.stepKey}" reads ${what}, which the in-memory IO manager does not hold (materialize it in this process first).`,
      );
    }
    return values.get(key);
  };

  return {
    get size() {
      return values.size;
    },
    async handleOutput(context: OutputContext, value: unknown) {
      if (context.partitionKeys && context.partitionKeys.length > 1 && value instanceof Map) {
        for (const [partition, v] of value) values.set(keyOf(context.runId, context.stepKey, context.outputName, context.assetKey, String(partition)), v);
        return;
      }
      values.set(keyOf(context.runId, context.stepKey, context.outputName, context.assetKey, context.partitionKey), value);
    },
    async loadInput(context: InputContext) {
      if (context.partitionKeys) return new Map(context.partitionKeys.map((p) => [p, read(context, p)]));
      return read(context, context.partitionKey);
    },
    async hasOutput(context: OutputContext) {
      return values.has(keyOf(context.runId, context.stepKey, context.outputName, context.assetKey, context.partitionKey));
    },
    async deleteAsset(assetKey) {
      const prefix = `asset:${assetKeyToString(assetKey)}|`;
      for (const key of [...values.keys()]) if (key.startsWith(prefix)) values.delete(key);
    },
  };
}

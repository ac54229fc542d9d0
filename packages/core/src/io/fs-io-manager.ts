import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AssetKey } from "../asset-key.ts";
import { assetKeyToString } from "../asset-key.ts";
import type { IOManagerDefinition } from "../definitions.ts";
import { ErrorCode, OrchError } from "../errors.ts";
import type { InputContext, IOManager, OutputContext } from "../io-manager.ts";
import type { Metadata } from "../metadata.ts";
import type { Serializer, SerializerRegistry } from "../serializer.ts";
import { removeAbandonedTempFiles, tempFileName } from "./temp-files.ts";

/**
 * Partitions of asset `a` live under `a/@partitions/`: `@` never appears in an asset key segment, so partition
 * `b` of `a` and asset `a/b` can never share a file, and wiping `a` cannot reach `a/b`.
 */
const PARTITIONS_DIR = "@partitions";

export interface FsIOManagerOptions {
  /** Root folder; relative paths resolve against the project dir. Default `.orch/storage`. */
  baseDir?: string;
}

/**
 * Stores each asset as a file under `<baseDir>/<key segments>.<ext>` (a partition under
 * `<key segments>/@partitions/<partition>.<ext>`, op outputs under `_runs/<runId>/<step>/<output>`). The
 * serializer comes from the output's `format` metadata or the value's type. Writes go to a temp file named after
 * the writing process that is renamed into place, so a failed write never leaves a partial file; temp files of
 * processes that died are removed when the next run creates the IO manager. Every path is checked to resolve
 * inside the root.
 */
export function fsIOManager(options: FsIOManagerOptions = {}): IOManagerDefinition {
  return {
    kind: "orch.io_manager",
    create: async (context) => {
      const root = resolve(context.baseDir, options.baseDir ?? ".orch/storage");
      await removeAbandonedTempFiles(root);
      return createFsIOManager(root, context.serializers);
    },
  };
}

export function createFsIOManager(rootDir: string, serializers: SerializerRegistry): IOManager {
  const root = resolve(rootDir);
  const inside = (...segments: string[]): string => {
    const path = resolve(root, ...segments);
    const rel = relative(root, path);
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new OrchError(ErrorCode.INVALID_ASSET_KEY, `The filesystem IO manager refuses path ${JSON.stringify(segments.join("/"))}: it resolves outside its root ${root}.`, {
        details: { root, path },
      });
    }
    return path;
  };
  const stem = (runId: string, stepKey: string, outputName: string, assetKey: AssetKey | undefined, partition: string | undefined) =>
    assetKey
      ? inside(...assetKey, ...(partition !== undefined ? [PARTITIONS_DIR, encodePart(partition)] : []))
      : inside("_runs", encodePart(runId), encodePart(stepKey), encodePart(outputName));

  const findFile = async (base: string): Promise<{ path: string; serializer: Serializer } | undefined> => {
    for (const ext of serializers.extensions().reverse()) {
      const path = `${base}.${ext}`;
      if (await exists(path)) return { path, serializer: serializers.byExtension(ext)! };
    }
    return undefined;
  };

  const write = async (base: string, value: unknown, format: unknown, what: string): Promise<Metadata> => {
    const serializer = typeof format === "string" ? serializers.get(format) : serializers.forValue(value, what);
    const bytes = await serializer.serialize(value);
    const path = `${base}.${serializer.extension}`;
    await mkdir(join(path, ".."), { recursive: true });
    const temp = tempFileName(path);
    try {
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // A value stored earlier in another format would shadow this one on load.
    for (const ext of serializers.extensions()) if (ext !== serializer.extension) await rm(`${base}.${ext}`, { force: true });
    return { path: { type: "path", value: path }, bytes: bytes.byteLength, format: serializer.name };
  };

  const read = async (context: InputContext, partition: string | undefined): Promise<unknown> => {
    const up = context.upstreamOutput;
    const base = stem(up.runId, up.stepKey, up.outputName, up.assetKey, partition);
    const found = await findFile(base);
    if (!found) {
      const what = up.assetKey ? `asset "${assetKeyToString(up.assetKey)}"${partition !== undefined ? ` partition "${partition}"` : ""}` : `output "${up.outputName}" of step "${up.stepKey}" in run ${up.runId}`;
      throw new OrchError(
        ErrorCode.OUTPUT_NOT_FOUND,
        `Input "${context.inputName}" of step "${context.stepKey}" reads ${what}, but no file exists at ${base}.{${serializers.extensions().join(",")}}. Materialize it first.`,
      );
    }
    return found.serializer.deserialize(new Uint8Array(await readFile(found.path)));
  };

  return {
    async handleOutput(context: OutputContext, value: unknown) {
      const what = context.assetKey ? `asset "${assetKeyToString(context.assetKey)}"` : `output "${context.outputName}" of step "${context.stepKey}"`;
      const format = context.definitionMetadata["format"];
      if (context.partitionKeys && context.partitionKeys.length > 1 && value instanceof Map) {
        let bytes = 0;
        for (const [partition, v] of value) {
          const md = await write(stem(context.runId, context.stepKey, context.outputName, context.assetKey, String(partition)), v, format, what);
          bytes += md["bytes"] as number;
        }
        return { partitions: value.size, bytes };
      }
      return write(stem(context.runId, context.stepKey, context.outputName, context.assetKey, context.partitionKey), value, format, what);
    },
    async loadInput(context: InputContext) {
      if (context.partitionKeys) {
        const out = new Map<string, unknown>();
        for (const p of context.partitionKeys) out.set(p, await read(context, p));
        return out;
      }
      return read(context, context.partitionKey);
    },
    async hasOutput(context: OutputContext) {
      return (await findFile(stem(context.runId, context.stepKey, context.outputName, context.assetKey, context.partitionKey))) !== undefined;
    },
    async deleteAsset(assetKey: AssetKey) {
      // Only this asset's own files: `a.<ext>` and `a/@partitions/`, never `a/b.<ext>` (another asset).
      const base = inside(...assetKey);
      await rm(inside(...assetKey, PARTITIONS_DIR), { recursive: true, force: true });
      for (const ext of serializers.extensions()) await rm(`${base}.${ext}`, { force: true });
    },
  };
}

/** Partition keys and step keys may hold `/`, `|` or `:`; keep them one safe path segment. */
function encodePart(part: string): string {
  return encodeURIComponent(part).replace(/\*/g, "%2A");
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

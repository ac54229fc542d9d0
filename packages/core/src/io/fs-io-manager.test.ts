import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isOrchError } from "../errors.ts";
import { makeStepLogger } from "../logger.ts";
import type { OutputContext } from "../io-manager.ts";
import { SerializerRegistry } from "../serializer.ts";
import { createFsIOManager, fsIOManager } from "./fs-io-manager.ts";
import { tempFileName } from "./temp-files.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orch-fs-io-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const log = makeStepLogger(() => undefined);
const output = (assetKey: readonly string[], partitionKey?: string): OutputContext => ({
  runId: "r1",
  stepKey: assetKey.join("/"),
  outputName: "result",
  assetKey,
  definitionMetadata: {},
  log,
  ...(partitionKey !== undefined ? { partitionKey } : {}),
});

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
}

describe("fsIOManager", () => {
  it("refuses to write, read or delete outside its root, whatever key it is handed", async () => {
    const root = join(dir, "storage");
    const io = createFsIOManager(root, new SerializerRegistry());
    for (const attempt of [
      () => io.handleOutput(output(["..", "..", "escaped"]), 1),
      () => io.hasOutput!(output(["..", "x"])),
      () => io.deleteAsset!([".."]),
    ]) {
      const error = await attempt().then(() => undefined, (e: unknown) => e);
      expect(isOrchError(error, "INVALID_ASSET_KEY"), String(error)).toBe(true);
      expect((error as Error).message).toContain("outside its root");
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it("wiping asset a deletes a's values and partitions, never those of asset a/b", async () => {
    const io = createFsIOManager(dir, new SerializerRegistry());
    await io.handleOutput(output(["a"]), 1);
    await io.handleOutput(output(["a"], "b"), 2);
    await io.handleOutput(output(["a", "b"]), 3);
    await io.handleOutput(output(["a", "b"], "eu"), 4);
    expect(await files(dir)).toEqual(["a.json", "a/@partitions/b.json", "a/b.json", "a/b/@partitions/eu.json"]);
    await io.deleteAsset!(["a"]);
    expect(await files(dir)).toEqual(["a/b.json", "a/b/@partitions/eu.json"]);
  });

  it("removes temp files of killed writers when a run creates it, never those of a live writer", async () => {
    const target = join(dir, "orders.json");
    // A real process writes a temp file, then is killed mid-write.
    const child = spawn(
      process.execPath,
      ["--conditions=@orch/source", "--input-type=module", "-e", `
        import { writeFileSync } from "node:fs";
        import { tempFileName } from ${JSON.stringify(new URL("./temp-files.ts", import.meta.url).href)};
        writeFileSync(tempFileName(${JSON.stringify(target)}), "half");
        process.stdout.write("written\\n");
        setInterval(() => {}, 1000);
      `],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const live = tempFileName(target);
    await writeFile(live, "still being written");
    await writeFile(join(dir, "notes.tmp"), "not ours");
    expect(await files(dir)).toHaveLength(3);

    await fsIOManager({ baseDir: dir }).create({ serializers: new SerializerRegistry(), baseDir: dir });
    expect(await files(dir)).toEqual([live.slice(dir.length + 1), "notes.tmp"].sort());
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** The real dbt artifacts stored gzip-compressed in this repository (provenance and licences: fixtures/SOURCES.md). */
export const FIXTURES_GZ = fileURLToPath(new URL("./fixtures/", import.meta.url));
/** Where the decompressed copies live: one folder per user, filled on first use. */
export const FIXTURES = join(tmpdir(), `orch-dbt-fixtures-${process.getuid?.() ?? "user"}`);

/** The path of a decompressed fixture (`kind` is `manifests` or `run_results`), written atomically on first use. */
export function fixturePath(kind: "manifests" | "run_results", name: string): string {
  const target = join(FIXTURES, kind, name);
  if (existsSync(target)) return target;
  const source = join(FIXTURES_GZ, kind, `${name}.gz`);
  if (!existsSync(source)) throw new Error(`no dbt fixture ${kind}/${name} in ${FIXTURES_GZ}`);
  mkdirSync(join(FIXTURES, kind), { recursive: true });
  // Several test workers may decompress the same file at once: each writes its own temp file, then renames.
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, gunzipSync(readFileSync(source)));
  renameSync(temp, target);
  return target;
}

export const manifestPath = (name: string): string => fixturePath("manifests", name);
export const runResultsPath = (name: string): string => fixturePath("run_results", name);
export const allManifests = (): string[] =>
  readdirSync(join(FIXTURES_GZ, "manifests")).filter((f) => f.endsWith(".json.gz")).map((f) => f.slice(0, -3)).sort();
export const FAKE_DBT = fileURLToPath(new URL("./fake-dbt/dbt", import.meta.url));

/** A throwaway dbt project dir whose target/manifest.json is a copy of a fixture. */
export function tempProject(manifest = "jaffle_shop-v12.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "orch-dbt-"));
  mkdirSync(join(dir, "target"));
  cpSync(manifestPath(manifest), join(dir, "target", "manifest.json"));
  return dir;
}

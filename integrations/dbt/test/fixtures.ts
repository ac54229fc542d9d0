import { cpSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared dbt fixtures, beside the repo checkout (CI clones `shared/` next to it). */
export const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/dbt/", import.meta.url));
export const manifestPath = (name: string): string => join(FIXTURES, "manifests", name);
export const allManifests = (): string[] => readdirSync(join(FIXTURES, "manifests")).filter((f) => f.endsWith(".json")).sort();
export const FAKE_DBT = fileURLToPath(new URL("./fake-dbt/dbt", import.meta.url));

/** A throwaway dbt project dir whose target/manifest.json is a copy of a fixture. */
export function tempProject(manifest = "jaffle_shop-v12.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "orch-dbt-"));
  mkdirSync(join(dir, "target"));
  cpSync(manifestPath(manifest), join(dir, "target", "manifest.json"));
  return dir;
}

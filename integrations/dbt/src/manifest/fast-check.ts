import type { ManifestFeatures } from "./versions.ts";

// Hand-written checks of the fields orch reads, mirroring schemas.ts. Validating each entry with zod costs
// ~70–80 µs; these take ~1 µs. They accept a subset of what the zod schemas accept (never more), so an entry that
// passes is valid as is; one that fails is re-checked with zod, whose issue names the JSON path and the expectation.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isNullish = (v: unknown): boolean => v === null || v === undefined;
const optStr = (v: unknown): boolean => v === null || v === undefined || typeof v === "string";
const optBool = (v: unknown): boolean => v === null || v === undefined || typeof v === "boolean";
const optStrOrNum = (v: unknown): boolean => v === null || v === undefined || typeof v === "string" || typeof v === "number";
const optObj = (v: unknown): boolean => v === null || v === undefined || isObj(v);

function isStrings(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== "string") return false;
  return true;
}
const optStrings = (v: unknown): boolean => isNullish(v) || isStrings(v);

function optTypedList(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!isObj(x) || typeof x["type"] !== "string") return false;
  return true;
}

function optContract(v: unknown): boolean {
  return isNullish(v) || (isObj(v) && optBool(v["enforced"]));
}

function optConfig(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObj(v)) return false;
  const tags = v["tags"];
  return (
    optBool(v["enabled"]) &&
    optStr(v["materialized"]) &&
    (typeof tags === "string" || optStrings(tags)) &&
    optStr(v["schema"]) &&
    optStr(v["group"]) &&
    optStr(v["severity"]) &&
    optContract(v["contract"]) &&
    optObj(v["meta"])
  );
}

function optColumns(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObj(v)) return false;
  for (const key in v) {
    const c = v[key];
    if (!isObj(c) || typeof c["name"] !== "string") return false;
    if (!optStr(c["description"]) || !optStr(c["data_type"]) || !optTypedList(c["constraints"]) || !optStrings(c["tags"]) || !optObj(c["meta"])) return false;
  }
  return true;
}

function optDependsOn(v: unknown): boolean {
  if (isNullish(v)) return true;
  if (!isObj(v)) return false;
  return v["nodes"] === undefined || isStrings(v["nodes"]);
}

function optRefs(v: unknown, refsAreObjects: boolean): boolean {
  if (isNullish(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const ref of v) {
    if (refsAreObjects ? !(isObj(ref) && typeof ref["name"] === "string" && optStr(ref["package"]) && optStrOrNum(ref["version"])) : !isStrings(ref)) return false;
  }
  return true;
}

function commonFields(v: Obj): boolean {
  return (
    typeof v["unique_id"] === "string" &&
    typeof v["name"] === "string" &&
    typeof v["package_name"] === "string" &&
    isStrings(v["fqn"]) &&
    typeof v["original_file_path"] === "string" &&
    optStr(v["description"]) &&
    optConfig(v["config"])
  );
}

/** True when `v` is a valid `nodes` entry for this manifest version. */
export function fastCheckNode(v: unknown, features: ManifestFeatures): boolean {
  if (!isObj(v) || !commonFields(v)) return false;
  const checksum = v["checksum"];
  const testMetadata = v["test_metadata"];
  return (
    typeof v["resource_type"] === "string" &&
    typeof v["path"] === "string" &&
    optStr(v["database"]) &&
    optStr(v["schema"]) &&
    optStr(v["alias"]) &&
    optStr(v["relation_name"]) &&
    optStrings(v["tags"]) &&
    optObj(v["meta"]) &&
    optColumns(v["columns"]) &&
    optDependsOn(v["depends_on"]) &&
    (isNullish(checksum) || (isObj(checksum) && typeof checksum["checksum"] === "string")) &&
    optStr(v["group"]) &&
    optStr(v["access"]) &&
    optStrOrNum(v["version"]) &&
    optStrOrNum(v["latest_version"]) &&
    optContract(v["contract"]) &&
    optTypedList(v["constraints"]) &&
    optStr(v["attached_node"]) &&
    optStr(v["column_name"]) &&
    (isNullish(testMetadata) || (isObj(testMetadata) && typeof testMetadata["name"] === "string" && optObj(testMetadata["kwargs"]))) &&
    optRefs(v["refs"], features.refsAreObjects) &&
    optStr(v[features.codeKey]) &&
    optStr(v[features.compiledKey])
  );
}

/** True when `v` is a valid `sources` entry. */
export function fastCheckSource(v: unknown): boolean {
  if (!isObj(v) || !commonFields(v)) return false;
  return (
    v["resource_type"] === "source" &&
    typeof v["source_name"] === "string" &&
    optStr(v["database"]) &&
    optStr(v["schema"]) &&
    optStr(v["identifier"]) &&
    optStr(v["relation_name"]) &&
    optStr(v["source_description"]) &&
    optStrings(v["tags"]) &&
    optObj(v["meta"]) &&
    optColumns(v["columns"]) &&
    optStr(v["loader"])
  );
}

/** True when `v` is a valid `unit_tests` entry. */
export function fastCheckUnitTest(v: unknown): boolean {
  if (!isObj(v) || !commonFields(v)) return false;
  return typeof v["model"] === "string" && optDependsOn(v["depends_on"]) && optStrOrNum(v["version"]);
}

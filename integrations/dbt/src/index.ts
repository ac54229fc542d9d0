export { loadManifest, parseManifest, type ParseManifestOptions } from "./manifest/parse-manifest.ts";
export type { DbtColumn, DbtGroup, DbtManifest, DbtNode, DbtSeverity, DbtTestInfo } from "./manifest/model.ts";
export { DbtErrorCode } from "./manifest/errors.ts";

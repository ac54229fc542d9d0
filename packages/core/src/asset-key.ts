import { ErrorCode, OrchError } from "./errors.ts";

/** An asset key: path segments, written `a/b` in selections and logs. */
export type AssetKey = readonly string[];
export type AssetKeyInput = string | readonly string[];

const SEGMENT = /^[A-Za-z0-9_.\-]+$/;
const ALL_DOTS = /^\.+$/;

/** Normalises `"a/b"`, `"a"` or `["a","b"]` into segments, refusing empty or odd segments. */
export function toAssetKey(input: AssetKeyInput): AssetKey {
  const segments = typeof input === "string" ? input.split("/") : [...input];
  if (segments.length === 0) {
    throw new OrchError(ErrorCode.INVALID_ASSET_KEY, "An asset key needs at least one segment.");
  }
  for (const segment of segments) {
    if (typeof segment !== "string" || !SEGMENT.test(segment)) {
      throw new OrchError(
        ErrorCode.INVALID_ASSET_KEY,
        `Asset key ${JSON.stringify(input)} has an invalid segment ${JSON.stringify(segment)}: segments use letters, digits, "_", "-" and "." only.`,
      );
    }
    // "." and ".." would walk out of the storage root of every IO manager that maps keys to paths.
    if (ALL_DOTS.test(segment)) {
      throw new OrchError(
        ErrorCode.INVALID_ASSET_KEY,
        `Asset key ${JSON.stringify(input)} has a segment ${JSON.stringify(segment)} made only of dots: such segments name directories, not assets.`,
      );
    }
  }
  return Object.freeze(segments);
}

/** The canonical string form, `a/b`, used as map keys everywhere. */
export function assetKeyToString(key: AssetKeyInput): string {
  return typeof key === "string" ? key : key.join("/");
}

import { describe, expect, it } from "vitest";
import { asset } from "./asset.ts";
import { toAssetKey } from "./asset-key.ts";
import { refusal } from "./refusal.test-support.ts";

describe("toAssetKey", () => {
  it.each([[["..", "..", "x"]], [["raw", "."]], ["a/../b"], ["..."]])("refuses segments made only of dots: %j", (key) => {
    const refused = refusal(() => toAssetKey(key));
    expect(refused.code).toBe("INVALID_ASSET_KEY");
    expect(refused.message).toContain(JSON.stringify(key));
    expect(refused.message).toContain("made only of dots");
  });

  it("refuses such a key at definition time and keeps dots inside names", () => {
    expect(refusal(() => asset({ key: ["..", "..", "x"], compute: () => 1 })).code).toBe("INVALID_ASSET_KEY");
    expect(toAssetKey("raw/v1.2/.hidden")).toEqual(["raw", "v1.2", ".hidden"]);
  });
});

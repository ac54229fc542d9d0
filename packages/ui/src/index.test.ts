import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ensureUiBuilt, isUiBuilt, isUiStale, UI_APP_DIR } from "./index.ts";

describe("the built app", () => {
  it("is built on demand in the monorepo and holds the page and its scripts", async () => {
    const dir = await ensureUiBuilt();
    expect(dir).toBe(UI_APP_DIR);
    expect(isUiBuilt()).toBe(true);
    expect(isUiStale()).toBe(false);
    expect(existsSync(`${dir}index.html`)).toBe(true);
  }, 120_000);
});

// Steps that kill their worker in different ways, next to steps that must still run.
import { asset, defineDefinitions } from "@orch/core";

export const exits = asset({
  key: "exits",
  compute: () => {
    process.exit(7);
  },
});
export const afterExit = asset({ key: "after_exit", ins: { exits }, compute: ({ ins }) => ins.exits });

export const throwsUncaught = asset({
  key: "throws_uncaught",
  compute: () =>
    new Promise<number>(() => {
      setTimeout(() => {
        throw new Error("boom outside the step's promise");
      }, 5);
    }),
});

export const hogsMemory = asset({
  key: "hogs_memory",
  tags: { memory: "hog" },
  compute: () => {
    const kept: number[][] = [];
    for (;;) kept.push(Array.from({ length: 1_000_000 }, (_, i) => i + kept.length));
  },
});

export const survivor = asset({ key: "survivor", compute: () => "still here" });
export const afterSurvivor = asset({ key: "after_survivor", ins: { survivor }, compute: ({ ins }) => `${ins.survivor}!` });

export default defineDefinitions({ assets: [exits, afterExit, throwsUncaught, hogsMemory, survivor, afterSurvivor] });

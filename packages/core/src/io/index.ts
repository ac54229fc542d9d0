export { memoryIOManager } from "./memory-io-manager.ts";
export { createFsIOManager, fsIOManager, type FsIOManagerOptions } from "./fs-io-manager.ts";

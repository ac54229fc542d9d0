// The file piscina loads in each worker. It turns on Node's on-disk compile cache before anything else is
// imported, so a new worker compiles @orch/core and the user's definitions once per machine, not once per worker.
import module from "node:module";

module.enableCompileCache?.();
const { default: runTask } = await import("./worker.ts");
export default runTask;

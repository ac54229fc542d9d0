// Exports its Definitions as `definitions` rather than as the default export.
import { asset, defineDefinitions } from "@orch/core";

export const definitions = defineDefinitions({ assets: [asset({ key: "named", compute: () => 42 })] });

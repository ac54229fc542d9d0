// The definitions module `npx orch -m defs.ts materialize` loads in the consumer project.
import { defineDefinitions } from "@orch/core";
import { orders, orderSummary } from "./order-summary.ts";

export default defineDefinitions({ assets: [orders, orderSummary] });

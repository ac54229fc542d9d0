// `npm run build` (and prepack): builds the app through the same aside-then-rename path as a first `orch dev`, so a
// process serving dist/app meanwhile (another package's tests) never sees it emptied or half written. Silent: npm
// pack --json reads this script's stdout.
import { ensureUiBuilt } from "./src/index.ts";

await ensureUiBuilt(undefined, { force: true });

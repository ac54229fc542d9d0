export { openPipes, withPipes, isPipesProcess, type PipesClient, type PipesLog } from "./open-pipes.ts";
export { PipesClientError } from "./errors.ts";
export {
  PIPES_PROTOCOL,
  SUPPORTED_PIPES_PROTOCOLS,
  PIPES_CONTEXT_ENV,
  PIPES_MESSAGES_ENV,
  type PipesContext,
  type PipesLogLevel,
  type MaterializationReport,
  type AssetCheckReport,
} from "./protocol.ts";

export { createApp, startWebserver, type RunningWebserver, type WebserverOptions } from "./server.ts";
export type { ServerContext } from "./context.ts";
export { WebserverErrorCode } from "./errors.ts";
export { checkBindAddress, ownOrigins } from "./security.ts";
export type { AssetStatus } from "./asset-status.ts";

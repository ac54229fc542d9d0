import { snowflakeError } from "./snowflake-errors.ts";

/** The parts of snowflake-sdk this package uses, described structurally so its types stay optional. */
export interface SnowflakeStatement {
  getQueryId(): string;
  getNumUpdatedRows(): number | undefined;
  cancel(callback?: (error?: unknown) => void): void;
}

export interface SnowflakeConnection {
  connect(callback: (error: unknown, connection: SnowflakeConnection) => void): void;
  destroy(callback: (error: unknown) => void): void;
  execute(options: {
    sqlText: string;
    binds?: unknown[];
    complete: (error: unknown, statement: SnowflakeStatement, rows: Record<string, unknown>[] | undefined) => void;
  }): SnowflakeStatement;
}

export interface SnowflakeSdk {
  createConnection(options: Record<string, unknown>): SnowflakeConnection;
  configure(options: Record<string, unknown>): void;
}

let loaded: Promise<SnowflakeSdk> | undefined;

/**
 * Loads snowflake-sdk on first use. Platform detection is switched off first: otherwise the driver probes cloud
 * metadata endpoints (169.254.169.254) when it loads, which is slow outside a cloud VM and never wanted here.
 */
export function loadSnowflakeSdk(): Promise<SnowflakeSdk> {
  process.env["SNOWFLAKE_DISABLE_PLATFORM_DETECTION"] ??= "true";
  loaded ??= import("snowflake-sdk")
    .then((mod) => {
      const sdk = ((mod as { default?: unknown }).default ?? mod) as SnowflakeSdk;
      // The driver logs to a file and stdout by default; orch reports errors itself.
      sdk.configure({ logLevel: "OFF", additionalLogToConsole: false });
      return sdk;
    })
    .catch((cause: unknown) => {
      loaded = undefined;
      throw snowflakeError("MISSING_PEER_DEPENDENCY", 'Snowflake needs the "snowflake-sdk" package (>=2): npm install snowflake-sdk', { cause });
    });
  return loaded;
}

import { z } from "zod";

/** Connection settings after `{ env }` references are resolved (secrets arrive as plain strings). */
export const snowflakeConfig = z
  .object({
    /** Account identifier, `orgname-accountname` or the account locator (`xy12345.eu-west-1`). */
    account: z.string().min(1, "a Snowflake account identifier is required"),
    username: z.string().min(1, "a Snowflake user name is required"),
    /** `SNOWFLAKE` (password), `SNOWFLAKE_JWT` (key pair) or `OAUTH` (access token). */
    authenticator: z.enum(["SNOWFLAKE", "SNOWFLAKE_JWT", "OAUTH"]).default("SNOWFLAKE"),
    password: z.string().min(1).optional(),
    /** PEM private key (PKCS#8) for `SNOWFLAKE_JWT`. */
    privateKey: z.string().min(1).optional(),
    privateKeyPassphrase: z.string().min(1).optional(),
    /** OAuth access token for `OAUTH`. */
    token: z.string().min(1).optional(),
    warehouse: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    schema: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
    /** Added to every statement's QUERY_TAG next to the run id and asset key. */
    queryTag: z.string().optional(),
    /** Endpoint override (PrivateLink, a proxy, or a local stand-in): `https://host[:port]`. */
    accessUrl: z.string().url().optional(),
    /** Connections in the pool shared by a run's steps. Default 4. */
    poolSize: z.number().int().positive().default(4),
    /** Bound values per INSERT request when the IO manager writes a frame (rows × columns). Default 2,000,000. */
    bindValuesPerRequest: z.number().int().positive().default(2_000_000),
  })
  .superRefine((config, context) => {
    const needs = { SNOWFLAKE: "password", SNOWFLAKE_JWT: "privateKey", OAUTH: "token" } as const;
    const field = needs[config.authenticator];
    if (config[field] === undefined) {
      context.addIssue({ code: "custom", path: [field], message: `authenticator ${config.authenticator} needs ${field} (a literal or { env: "NAME" })` });
    }
  });

export type SnowflakeConfig = z.output<typeof snowflakeConfig>;
export type SnowflakeConfigInput = z.input<typeof snowflakeConfig>;

/** How messages name the connection: `Snowflake account "acme-prod" (user "ETL", warehouse "TRANSFORM")`. */
export function describeConnection(config: SnowflakeConfig): string {
  const parts = [`user "${config.username}"`, ...(config.warehouse ? [`warehouse "${config.warehouse}"`] : []), ...(config.role ? [`role "${config.role}"`] : [])];
  return `Snowflake account "${config.account}" (${parts.join(", ")})`;
}

/** snowflake-sdk connection options for a config. */
export function connectionOptions(config: SnowflakeConfig): Record<string, unknown> {
  return {
    account: config.account,
    username: config.username,
    authenticator: config.authenticator,
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.privateKey !== undefined ? { privateKey: config.privateKey } : {}),
    ...(config.privateKeyPassphrase !== undefined ? { privateKeyPass: config.privateKeyPassphrase } : {}),
    ...(config.token !== undefined ? { token: config.token } : {}),
    ...(config.warehouse !== undefined ? { warehouse: config.warehouse } : {}),
    ...(config.database !== undefined ? { database: config.database } : {}),
    ...(config.schema !== undefined ? { schema: config.schema } : {}),
    ...(config.role !== undefined ? { role: config.role } : {}),
    ...(config.accessUrl !== undefined ? { accessUrl: config.accessUrl } : {}),
    application: "orch",
    // Bulk INSERTs bind their values inline, in requests of bindValuesPerRequest values.
    arrayBindingThreshold: config.bindValuesPerRequest + 1,
  };
}

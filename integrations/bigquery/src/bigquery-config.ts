import { z } from "zod";

/** Settings after `{ env }` references are resolved. One of credentials, keyFilename or accessToken, else ADC. */
export const bigqueryConfig = z
  .object({
    projectId: z.string().min(1, "a Google Cloud project id is required"),
    /** Where jobs run and datasets are created. Default `US`. */
    location: z.string().min(1).default("US"),
    /** A service account key: the JSON object or its text (e.g. `{ env: "GOOGLE_SERVICE_ACCOUNT_JSON" }`). */
    credentials: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    /** Path of a service account key file. */
    keyFilename: z.string().min(1).optional(),
    /** An OAuth 2 access token (workload identity federation, `gcloud auth print-access-token`). */
    accessToken: z.string().min(1).optional(),
    /** Endpoint override (a proxy, Private Service Connect, or a local stand-in): `https://host[:port]`. */
    apiEndpoint: z.string().url().optional(),
    /** Fails a step before it runs a query (a read, or `query()`) whose dry run would bill more bytes. */
    maximumBytesBilled: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number).optional(),
  })
  .superRefine((config, context) => {
    const given = (["credentials", "keyFilename", "accessToken"] as const).filter((k) => config[k] !== undefined);
    if (given.length > 1) context.addIssue({ code: "custom", path: [given[1]!], message: `give one of credentials, keyFilename, accessToken (got ${given.join(", ")})` });
  });

export type BigQueryConfig = z.output<typeof bigqueryConfig>;
export type BigQueryConfigInput = z.input<typeof bigqueryConfig>;

export function describeProject(config: BigQueryConfig): string {
  return `BigQuery project "${config.projectId}" (${config.location})`;
}

import type { BigQuery } from "@google-cloud/bigquery";
import type { BigQueryConfig } from "./bigquery-config.ts";
import { bigqueryError } from "./bigquery-errors.ts";

/** A BigQuery client for a config; @google-cloud/bigquery (and google-auth-library for tokens) load on first use. */
export async function createBigQueryClient(config: BigQueryConfig): Promise<BigQuery> {
  const { BigQuery: Client } = await load(() => import("@google-cloud/bigquery"), "@google-cloud/bigquery");
  const credentials = typeof config.credentials === "string" ? (JSON.parse(config.credentials) as Record<string, unknown>) : config.credentials;
  let authClient: unknown;
  if (config.accessToken !== undefined) {
    const { OAuth2Client } = await load(() => import("google-auth-library"), "google-auth-library");
    const client = new OAuth2Client();
    client.setCredentials({ access_token: config.accessToken, expiry_date: Date.now() + 3_600_000 });
    authClient = client;
  }
  return new Client({
    projectId: config.projectId,
    location: config.location,
    ...(config.apiEndpoint !== undefined ? { apiEndpoint: config.apiEndpoint } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    ...(config.keyFilename !== undefined ? { keyFilename: config.keyFilename } : {}),
    ...(authClient !== undefined ? { authClient: authClient as never } : {}),
  });
}

async function load<T>(importer: () => Promise<T>, name: string): Promise<T> {
  try {
    return await importer();
  } catch (cause) {
    throw bigqueryError("MISSING_PEER_DEPENDENCY", `BigQuery needs the "${name}" package: npm install @google-cloud/bigquery google-auth-library`, { cause });
  }
}

/** What spark-submit's output tells about the application, gathered line by line. */
export interface DriverFacts {
  sparkVersion?: string;
  applicationId?: string;
  /** What `spark-submit --kill` takes in cluster mode (standalone `driver-…`, Kubernetes `namespace:pod`). */
  submissionId?: string;
  trackingUrl?: string;
  sparkUiUrl?: string;
}

const PATTERNS: readonly [RegExp, (facts: DriverFacts, match: RegExpExecArray) => void][] = [
  [/Running Spark version (\S+)/, (f, m) => (f.sparkVersion = m[1]!)],
  [/Submitted application (application_\d+_\d+)/, (f, m) => (f.applicationId = m[1]!)],
  [/Connected to Spark cluster with app ID (\S+)/, (f, m) => (f.applicationId = m[1]!)],
  [/with application ID (\S+) and submission ID (\S+)/, (f, m) => ((f.applicationId = m[1]!), (f.submissionId = m[2]!))],
  [/Driver successfully submitted as (driver-\S+)/, (f, m) => (f.submissionId = m[1]!)],
  [/tracking URL: (https?:\/\/\S+)/, (f, m) => (f.trackingUrl = m[1]!)],
  [/Bound SparkUI to \S+ and started at (https?:\/\/\S+)/, (f, m) => (f.sparkUiUrl = m[1]!)],
];

export function collectDriverFacts(facts: DriverFacts, line: string): void {
  for (const [pattern, record] of PATTERNS) {
    const match = pattern.exec(line);
    if (match) record(facts, match);
  }
}

export function driverMetadata(facts: DriverFacts, master: string, deployMode: string): Record<string, unknown> {
  const url = facts.trackingUrl ?? facts.sparkUiUrl;
  return {
    "spark/master": master,
    "spark/deploy_mode": deployMode,
    ...(facts.sparkVersion ? { "spark/version": facts.sparkVersion } : {}),
    ...(facts.applicationId ? { "spark/application_id": facts.applicationId } : {}),
    ...(facts.submissionId ? { "spark/submission_id": facts.submissionId } : {}),
    ...(url ? { "spark/tracking_url": { type: "url", value: url } } : {}),
  };
}

import { useEffect, useMemo, useState } from "react";
import type { ConfigIssue } from "../config-validation.ts";
import { api } from "../api.ts";
import { navigate, runHref } from "../router.ts";
import { useApi, useAttempt } from "../use-api.ts";
import { ErrorBox } from "../widgets.tsx";

type Checker = (text: string) => ConfigIssue[];

/**
 * Launch a selection or a job with a partition (or range), tags and run config (JSON). The config is checked as you
 * type against the JSON Schema the server derives from the planned steps' zod schemas; the server checks it all again.
 */
export function LaunchpadPage(props: { query: URLSearchParams }) {
  const instance = useApi<{ jobs: { name: string; selection?: string }[] }>("/instance");
  const [selection, setSelection] = useState(props.query.get("selection") ?? "");
  const [job, setJob] = useState("");
  const [partition, setPartition] = useState("");
  const [tags, setTags] = useState("");
  const [config, setConfig] = useState("{}");
  const { error, attempt } = useAttempt();
  const [schemas, setSchemas] = useState<Record<string, unknown>>();
  const [checker, setChecker] = useState<{ check: Checker }>();
  const [checkError, setCheckError] = useState<string>();
  const configQuery = String(new URLSearchParams(job ? { job } : selection ? { selection } : {}));

  /** The planned steps' scaffold and schemas; ajv is loaded with the first check, outside the main bundle. */
  const loadConfigSchema = async (q: string) => {
    const result = await api<{ scaffold: unknown; schemas: Record<string, unknown>; schema: object }>(`/launch/config?${q}`);
    const { configChecker } = await import("../config-validation.ts");
    return { ...result, check: configChecker(result.schema) };
  };

  // The schema follows the target as it is typed (debounced); a target the server refuses is named at launch.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      loadConfigSchema(configQuery).then(
        (loaded) => live && (setChecker({ check: loaded.check }), setCheckError(undefined)),
        (error: Error) => live && (setChecker(undefined), setCheckError(error.message)),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [configQuery]);
  const issues = useMemo(() => checker?.check(config) ?? [], [checker, config]);

  /** Fills the editor with the planned steps' config, defaults included, and shows their JSON Schemas. */
  const scaffold = () =>
    attempt(async () => {
      const result = await loadConfigSchema(configQuery);
      setConfig(JSON.stringify(result.scaffold, null, 2));
      setSchemas(result.schemas);
      setChecker({ check: result.check });
    });

  /** The form as the API takes it: target, tags and parsed config (a bad JSON config is refused here, naming the problem). */
  const target = () => {
      let parsedConfig: unknown;
      try {
        parsedConfig = JSON.parse(config || "{}");
      } catch (e) {
        throw new Error(`Run config is not valid JSON: ${(e as Error).message}`);
      }
      const tagMap = Object.fromEntries(
        tags
          .split(/[\n,]/)
          .map((t) => t.trim())
          .filter(Boolean)
          .map((t) => [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1)]),
      );
      return { ...(job ? { job } : selection ? { selection } : {}), tags: tagMap, config: parsedConfig };
  };

  const launch = () =>
    attempt(async () => {
      const range = partition.includes("..") ? partition.split("..") : undefined;
      const { runId } = await api<{ runId: string }>("/launch", {
        ...target(),
        ...(range ? { partitionRange: { start: range[0], end: range[1] } } : partition ? { partition } : {}),
      });
      navigate(runHref(runId));
    });

  /** One run per partition never materialized (or whose last run failed), chosen on the server; progress on the automation page. */
  const backfillMissing = () =>
    attempt(async () => {
      await api<{ backfillId: string }>("/backfills", { ...target(), partitions: { missing: true } });
      navigate("#/automation");
    });

  return (
    <div className="page launchpad" data-testid="launchpad">
      <h2>Launchpad</h2>
      <label>
        Selection
        <input data-testid="launch-selection" value={selection} onChange={(e) => setSelection(e.target.value)} placeholder="every asset" disabled={job !== ""} />
      </label>
      <label>
        or job
        <select value={job} onChange={(e) => setJob(e.target.value)}>
          <option value="">(none)</option>
          {instance.data?.jobs.map((j) => (
            <option key={j.name}>{j.name}</option>
          ))}
        </select>
      </label>
      <label>
        Partition (a key, or start..end)
        <input data-testid="launch-partition" value={partition} onChange={(e) => setPartition(e.target.value)} placeholder="2024-03-01" />
      </label>
      <label>
        Tags (key=value, one a line)
        <textarea rows={2} value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        Run config (JSON: {"{ assets: { key: { config } }, resources: { key: { config } } }"})
        <textarea data-testid="launch-config" rows={8} value={config} onChange={(e) => setConfig(e.target.value)} spellCheck={false} aria-invalid={issues.length > 0} className={issues.length > 0 ? "invalid" : ""} />
      </label>
      <div className="config-check" data-testid="config-check">
        {issues.length > 0 ? (
          <ul data-testid="config-issues">
            {issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`} data-testid="config-issue">
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        ) : checker ? (
          <span className="muted" data-testid="config-ok">config matches the schemas of the planned steps</span>
        ) : checkError ? (
          <span className="muted">config not checked yet: {checkError.split("\n")[0]}</span>
        ) : null}
      </div>
      <div className="toolbar">
        <button data-testid="scaffold-button" onClick={scaffold}>
          Scaffold config
        </button>
        <button data-testid="launch-button" onClick={launch}>
          Launch run
        </button>
        <button data-testid="backfill-missing-button" onClick={backfillMissing} title="one run per missing partition; the partition field is ignored">
          Backfill all missing partitions
        </button>
      </div>
      {schemas && Object.keys(schemas).length > 0 && (
        <details data-testid="config-schemas">
          <summary>Config schemas ({Object.keys(schemas).length})</summary>
          {Object.entries(schemas).map(([path, schema]) => (
            <div key={path}>
              <code>{path}</code>
              <pre>{JSON.stringify(schema, null, 2)}</pre>
            </div>
          ))}
        </details>
      )}
      {error && <ErrorBox error={error} testId="launch-error" />}
    </div>
  );
}

import { useState } from "react";
import { api } from "../api.ts";
import { navigate, runHref } from "../router.ts";
import { useApi } from "../use-api.ts";
import { ErrorBox } from "../widgets.tsx";

/** Launch a selection or a job with a partition (or range), tags and run config (JSON); the server validates all of it. */
export function LaunchpadPage(props: { query: URLSearchParams }) {
  const instance = useApi<{ jobs: { name: string; selection?: string }[] }>("/instance");
  const [selection, setSelection] = useState(props.query.get("selection") ?? "");
  const [job, setJob] = useState("");
  const [partition, setPartition] = useState("");
  const [tags, setTags] = useState("");
  const [config, setConfig] = useState("{}");
  const [error, setError] = useState<Error>();
  const [schemas, setSchemas] = useState<Record<string, unknown>>();

  /** Fills the editor with the planned steps' config, defaults included, and shows their JSON Schemas. */
  const scaffold = async () => {
    setError(undefined);
    try {
      const q = new URLSearchParams(job ? { job } : selection ? { selection } : {});
      const result = await api<{ scaffold: unknown; schemas: Record<string, unknown> }>(`/launch/config?${q}`);
      setConfig(JSON.stringify(result.scaffold, null, 2));
      setSchemas(result.schemas);
    } catch (e) {
      setError(e as Error);
    }
  };

  const launch = async () => {
    setError(undefined);
    try {
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
      const range = partition.includes("..") ? partition.split("..") : undefined;
      const { runId } = await api<{ runId: string }>("/launch", {
        ...(job ? { job } : selection ? { selection } : {}),
        ...(range ? { partitionRange: { start: range[0], end: range[1] } } : partition ? { partition } : {}),
        tags: tagMap,
        config: parsedConfig,
      });
      navigate(runHref(runId));
    } catch (e) {
      setError(e as Error);
    }
  };

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
        <textarea data-testid="launch-config" rows={8} value={config} onChange={(e) => setConfig(e.target.value)} spellCheck={false} />
      </label>
      <div className="toolbar">
        <button data-testid="scaffold-button" onClick={scaffold}>
          Scaffold config
        </button>
        <button data-testid="launch-button" onClick={launch}>
          Launch run
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

export interface PartitionRange {
  status: "materialized" | "failed" | "missing" | "partial";
  start: string;
  end: string;
  count: number;
  materialized: number;
  failed: number;
}

/**
 * The asset's partitions as one bar: each range the server sent is a segment as wide as its share of the keys
 * (20k daily partitions arrive as a handful of ranges, not 20k cells). Past 500 ranges a bucket mixing statuses
 * is "partial", tinted red when some of its partitions failed.
 */
export function PartitionGrid(props: { ranges: PartitionRange[]; total: number }) {
  if (props.total === 0) return <p>No partitions.</p>;
  return (
    <div className="partition-grid" data-testid="partition-grid">
      {props.ranges.map((r) => (
        <span
          key={r.start}
          className={`partition-range partition-${r.status}${r.status === "partial" && r.failed > 0 ? " partition-partial-failed" : ""}`}
          style={{ flexGrow: r.count }}
          data-testid={`partition-range-${r.status}`}
          title={`${r.start === r.end ? r.start : `${r.start} … ${r.end}`}: ${r.count} partition(s), ${r.materialized} materialized${r.failed ? `, ${r.failed} failed` : ""}`}
        />
      ))}
    </div>
  );
}

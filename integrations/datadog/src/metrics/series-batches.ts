import type { RawPoint } from "./points-from-events.ts";

/** The v2 series shape (`POST /api/v2/series`); `type` 1 is count, 3 is gauge. */
export interface SeriesItem {
  metric: string;
  type: 1 | 3;
  points: { timestamp: number; value: number }[];
  tags: string[];
  unit?: string;
}

/** Groups points that share metric, type and tags into one series each. */
export function toSeries(points: readonly RawPoint[], metricOf: (point: RawPoint) => string, tagsOf: (point: RawPoint) => string[]): SeriesItem[] {
  const series = new Map<string, SeriesItem>();
  for (const point of points) {
    const metric = metricOf(point);
    const tags = [...new Set(tagsOf(point))].sort();
    const type = point.type === "count" ? 1 : 3;
    const id = `${metric}|${type}|${tags.join(",")}`;
    let item = series.get(id);
    if (!item) series.set(id, (item = { metric, type, points: [], tags, ...(point.unit ? { unit: point.unit } : {}) }));
    item.points.push({ timestamp: point.timestamp, value: point.value });
  }
  return [...series.values()];
}

/** Splits series into request bodies of at most `maxPoints` points, cutting a long series where needed. */
export function batchSeries(series: readonly SeriesItem[], maxPoints: number): SeriesItem[][] {
  const batches: SeriesItem[][] = [];
  let current: SeriesItem[] = [];
  let room = maxPoints;
  for (const item of series) {
    let rest = item.points;
    while (rest.length > 0) {
      if (room === 0) {
        batches.push(current);
        current = [];
        room = maxPoints;
      }
      const take = rest.slice(0, room);
      current.push({ ...item, points: take });
      room -= take.length;
      rest = rest.slice(take.length);
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

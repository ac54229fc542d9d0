/**
 * Datadog tag rules: lowercase, at most 200 characters, letters, digits and `_ - : . /` only (others become `_`).
 * https://docs.datadoghq.com/getting_started/tagging/
 */
export function tag(key: string, value: string): string {
  return `${key}:${value}`
    .toLowerCase()
    .replace(/[^a-z0-9_\-:./]/g, "_")
    .slice(0, 200);
}

/** Metric names: letters, digits, `_` and `.`, starting with a letter, at most 200 characters. */
export function metricName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.]/g, "_").replace(/_+/g, "_");
  return (/^[A-Za-z]/.test(cleaned) ? cleaned : `m${cleaned}`).slice(0, 200);
}

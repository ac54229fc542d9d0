export interface CheckSummary {
  passed: number;
  failed: number;
  warned: number;
  failing: string[];
  warning: string[];
}

/** An asset's latest check results: counts, with the failing and warning check names in the tooltip and after the counts. */
export function CheckCounts(props: { checks: CheckSummary }) {
  const { passed, failed, warned, failing, warning } = props.checks;
  const names = [...failing.map((n) => `✗ ${n}`), ...warning.map((n) => `! ${n}`)].join(" ");
  return (
    <span className={failed ? "checks-failed" : warned ? "checks-warned" : undefined} title={names || "all checks passed"} data-testid="check-counts">
      {`${passed} passed · ${failed} failed · ${warned} warned`}
      {names ? ` ${names}` : ""}
    </span>
  );
}

import { assetKeyToString, toAssetKey, type AssetKey, type AssetKeyInput } from "../asset-key.ts";
import { OrchError } from "../errors.ts";
import { output, type Output } from "../output.ts";
import { PipesErrorCode } from "./errors.ts";
import type { PipesCheckReport, PipesMaterialization, PipesReport } from "./session.ts";

export interface PipesOutputOptions {
  /** The asset this output is for; default the step's only asset. */
  readonly assetKey?: AssetKeyInput;
  /** Recorded before what the process reported (which wins on a clash). */
  readonly metadata?: Record<string, unknown>;
}

/** What a Pipes process reported; `output()` turns it into the asset's one materialization. */
export class PipesResult {
  readonly exitCode: number;
  readonly materializations: readonly PipesMaterialization[];
  readonly checks: readonly PipesCheckReport[];
  readonly closed: boolean;
  readonly refusedLines: number;
  readonly #assetKeys: readonly AssetKey[];
  readonly #subject: string;

  constructor(report: PipesReport, exitCode: number, assetKeys: readonly AssetKey[], subject: string) {
    this.exitCode = exitCode;
    this.materializations = report.materializations;
    this.checks = report.checks;
    this.closed = report.closed;
    this.refusedLines = report.refusedLines;
    this.#assetKeys = assetKeys;
    this.#subject = subject;
  }

  /**
   * Return this from compute: the value stored under the asset (default null: the data lives where the process
   * wrote it), with the metadata and data version the process reported and its check results.
   */
  output<T = null>(value?: T, options: PipesOutputOptions = {}): Output<T> {
    const key = this.#outputKey(options.assetKey);
    const id = assetKeyToString(key);
    const reported = this.materializations.find((m) => assetKeyToString(m.assetKey) === id);
    const checkResults = this.checks
      .filter((c) => assetKeyToString(c.assetKey) === id)
      .map((c) => ({ checkName: c.checkName, passed: c.passed, severity: c.severity, metadata: c.metadata, ...(c.description !== undefined ? { description: c.description } : {}) }));
    return output((value === undefined ? null : value) as T, {
      metadata: { ...(options.metadata ?? {}), ...(reported?.metadata ?? {}) },
      ...(reported?.dataVersion !== undefined ? { dataVersion: reported.dataVersion } : {}),
      ...(checkResults.length ? { checkResults } : {}),
    });
  }

  #outputKey(named: AssetKeyInput | undefined): AssetKey {
    if (named !== undefined) {
      const key = toAssetKey(named);
      if (this.#assetKeys.some((k) => assetKeyToString(k) === assetKeyToString(key))) return key;
      throw new OrchError(PipesErrorCode.PIPES_INVALID_REPORT, `${this.#subject}: output() for asset "${assetKeyToString(key)}", which the Pipes session was not opened for (${this.#assetKeys.map(assetKeyToString).join(", ") || "no assets"})`);
    }
    if (this.#assetKeys.length === 1) return this.#assetKeys[0]!;
    throw new OrchError(PipesErrorCode.PIPES_INVALID_REPORT, `${this.#subject}: output() needs { assetKey } when the session covers ${this.#assetKeys.length} assets`);
  }
}

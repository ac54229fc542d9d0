/** Why the Pipes client refused: a stable code and a message naming the variable, file or version. */
export class PipesClientError extends Error {
  readonly code: "PIPES_NOT_CONFIGURED" | "PIPES_CONTEXT_UNREADABLE" | "PIPES_UNSUPPORTED_PROTOCOL" | "PIPES_CLOSED" | "PIPES_WRITE_FAILED";
  constructor(code: PipesClientError["code"], message: string, options?: { cause?: unknown }) {
    super(`[orch-pipes] ${message}`, options);
    this.name = "PipesClientError";
    this.code = code;
  }
}

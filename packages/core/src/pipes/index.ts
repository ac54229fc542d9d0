export { PIPES_PROTOCOL, SUPPORTED_PIPES_PROTOCOLS, PIPES_CONTEXT_ENV, PIPES_MESSAGES_ENV, parsePipesLine, type PipesContextData, type PipesMessage, type ParsedLine } from "./protocol.ts";
export { PipesErrorCode } from "./errors.ts";
export type { PipesChannelKind } from "./channel.ts";
export { pipesSubjectOf, type PipesStepContext } from "./context.ts";
export { createPipesSession, type PipesSession, type PipesSessionOptions, type PipesReport, type PipesMaterialization, type PipesCheckReport } from "./session.ts";
export { PipesResult, type PipesOutputOptions } from "./result.ts";
export { pipesSubprocess, type PipesSubprocessOptions, type PipesStream } from "./subprocess.ts";

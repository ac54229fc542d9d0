export { threadsExecutor, type ThreadsExecutor } from "./threads-executor.ts";
export { threadsPlugin } from "./plugin.ts";
export { threadsExecutorConfigSchema, parseThreadsConfig, type ThreadsExecutorOptions, type ThreadsExecutorConfig } from "./options.ts";
export { CodecSet, BUILTIN_CODECS, arrowTableCodec, polarsDataFrameCodec, postWithTransfer, type ValueCodec, type WireValue, type Encoded } from "./codec.ts";

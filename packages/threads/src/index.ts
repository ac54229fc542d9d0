export { threadsExecutor, type ThreadsExecutor } from "./threads-executor.ts";
export { threadsPlugin } from "./plugin.ts";
export { threadsExecutorConfigSchema, parseThreadsConfig, type ThreadsExecutorOptions, type ThreadsExecutorConfig } from "./options.ts";
export { CodecSet, BUILTIN_CODECS, arrowTableCodec, polarsDataFrameCodec, postWithTransfer, type ValueCodec, type WireValue, type Encoded, type EncodeOptions } from "./codec.ts";
export { MessageBuffers, type BufferRef, type CopyNote, type CopyReason, type TypedView } from "./message-buffers.ts";

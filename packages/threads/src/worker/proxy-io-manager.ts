import type { InputContext, IOManager, Metadata, OutputContext } from "@orch/core";
import type { CodecSet } from "../codec.ts";
import type { PortClient } from "./port-client.ts";

/**
 * Stands in for an IO manager that lives only on the main thread (the default in-memory `io`): each call is
 * sent over the task's channel, frames by transfer (see codec.ts), other values by structured clone.
 */
export function proxyIOManager(key: string, client: PortClient, codecs: CodecSet): IOManager {
  return {
    async handleOutput(context: OutputContext, value: unknown) {
      // A step's output is handed over: an Arrow table's buffers move to the main thread without a copy.
      const { wire, transfer } = await codecs.encode(value, { keep: false });
      const reply = await client.request({ op: "handleOutput", key, context: withoutLog(context), value: wire }, transfer);
      return (await codecs.decode(reply)) as Metadata | void;
    },
    async loadInput(context: InputContext) {
      return codecs.decode(await client.request({ op: "loadInput", key, context: withoutLog(context) }));
    },
    async hasOutput(context: OutputContext) {
      return (await codecs.decode(await client.request({ op: "hasOutput", key, context: withoutLog(context) }))) === true;
    },
  };
}

function withoutLog<T extends { log: unknown }>(context: T): Omit<T, "log"> {
  const { log: _log, ...rest } = context;
  return rest;
}

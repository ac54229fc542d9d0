import { layout, type LayoutInput } from "./layout.ts";

// The layout runs here, off the main thread: the page keeps answering input while 20,000 nodes are placed.
self.onmessage = (event: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const result = layout(event.data.input);
  (self as unknown as Worker).postMessage({ id: event.data.id, result }, [result.edges.buffer]);
};

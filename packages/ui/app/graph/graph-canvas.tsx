import { useEffect, useRef } from "react";
import { NODE_H, NODE_W, type LayoutResult } from "./layout.ts";

export interface NodeStyle {
  readonly status: string;
  readonly kinds: readonly string[];
  readonly dim: boolean;
}

/** The node status colours, shared with the legend. */
export const STATUS_COLOR: Record<string, string> = {
  fresh: "#2e9d57",
  stale: "#d49a1c",
  never: "#9aa0a6",
  failed: "#d93025",
  running: "#1a73e8",
  check_failed: "#c2185b",
  check_warned: "#e8710a",
  group: "#6b5bd6",
};
/** Status labels as written on nodes and in the legend. */
export const STATUS_LABEL: Record<string, string> = { check_failed: "check failed", check_warned: "check warned" };

interface View {
  x: number;
  y: number;
  scale: number;
}

/**
 * Draws the laid-out graph on one canvas. Only nodes and edges inside the viewport are drawn (culling), and
 * zoomed out far the labels are dropped (level of detail), so a pan frame at 20,000 nodes stays cheap.
 */
export function GraphCanvas(props: { layout: LayoutResult; style: (id: string) => NodeStyle; selected?: string; onSelect: (id: string) => void; onFrame?: (ms: number) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<View>({ x: 20, y: 20, scale: 1 });
  const frame = useRef(0);
  const propsRef = useRef(props);
  propsRef.current = props;

  const draw = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const started = performance.now();
      const el = canvas.current;
      if (!el) return;
      const { layout, style, selected } = propsRef.current;
      const dpr = devicePixelRatio || 1;
      const w = el.clientWidth;
      const h = el.clientHeight;
      if (el.width !== w * dpr || el.height !== h * dpr) {
        el.width = w * dpr;
        el.height = h * dpr;
      }
      const ctx = el.getContext("2d")!;
      const { x: vx, y: vy, scale } = view.current;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * vx, dpr * vy);
      const left = -vx / scale;
      const top = -vy / scale;
      const right = left + w / scale;
      const bottom = top + h / scale;
      const nodes = layout.nodes;
      const visible = (i: number) => {
        const n = nodes[i]!;
        return n.x + NODE_W >= left && n.x <= right && n.y + NODE_H >= top && n.y <= bottom;
      };
      ctx.strokeStyle = "#b8bec7";
      ctx.lineWidth = 1 / scale;
      ctx.beginPath();
      const edges = layout.edges;
      for (let e = 0; e < edges.length; e += 2) {
        const a = nodes[edges[e]!]!;
        const b = nodes[edges[e + 1]!]!;
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        if (Math.max(x1, x2) < left || Math.min(x1, x2) > right || Math.max(y1, y2) < top || Math.min(y1, y2) > bottom) continue;
        ctx.moveTo(x1, y1);
        ctx.bezierCurveTo(x1 + 40, y1, x2 - 40, y2, x2, y2);
      }
      ctx.stroke();
      const labels = scale > 0.45;
      ctx.font = "13px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      for (let i = 0; i < nodes.length; i++) {
        if (!visible(i)) continue;
        const n = nodes[i]!;
        const group = n.id.startsWith("group:");
        const s = group ? { status: "group", kinds: [], dim: false } : style(n.id);
        ctx.globalAlpha = s.dim ? 0.25 : 1;
        ctx.fillStyle = n.id === selected ? "#e8f0fe" : "#ffffff";
        ctx.fillRect(n.x, n.y, NODE_W, NODE_H);
        ctx.fillStyle = STATUS_COLOR[s.status] ?? "#9aa0a6";
        ctx.fillRect(n.x, n.y, 6, NODE_H);
        // A failed or warned check also marks the node's right edge, so it reads apart from a failed run.
        if (s.status === "check_failed" || s.status === "check_warned") ctx.fillRect(n.x + NODE_W - 4, n.y, 4, NODE_H);
        ctx.strokeStyle = n.id === selected ? "#1a73e8" : "#c9ced6";
        ctx.strokeRect(n.x, n.y, NODE_W, NODE_H);
        if (labels) {
          ctx.fillStyle = "#202124";
          const label = group ? `▸ ${n.group} (${n.members})` : n.id;
          ctx.fillText(label.length > 26 ? `…${label.slice(-25)}` : label, n.x + 12, n.y + 14);
          ctx.fillStyle = "#5f6368";
          ctx.fillText(group ? "collapsed group: click to expand" : [...s.kinds, STATUS_LABEL[s.status] ?? s.status].join(" · "), n.x + 12, n.y + 29);
        }
      }
      ctx.globalAlpha = 1;
      propsRef.current.onFrame?.(performance.now() - started);
    });
  };

  useEffect(draw);
  useEffect(() => {
    const el = canvas.current!;
    let drag: { x: number; y: number; moved: boolean } | undefined;
    const onDown = (e: PointerEvent) => void (drag = { x: e.clientX, y: e.clientY, moved: false });
    const onMove = (e: PointerEvent) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      view.current.x += dx;
      view.current.y += dy;
      drag.x = e.clientX;
      drag.y = e.clientY;
      draw();
    };
    const onUp = (e: PointerEvent) => {
      if (drag && !drag.moved) {
        const rect = el.getBoundingClientRect();
        const { x, y, scale } = view.current;
        const gx = (e.clientX - rect.left - x) / scale;
        const gy = (e.clientY - rect.top - y) / scale;
        const hit = propsRef.current.layout.nodes.find((n) => gx >= n.x && gx <= n.x + NODE_W && gy >= n.y && gy <= n.y + NODE_H);
        if (hit) propsRef.current.onSelect(hit.id);
      }
      drag = undefined;
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const v = view.current;
      const factor = Math.exp(-e.deltaY * 0.0015);
      const scale = Math.min(3, Math.max(0.02, v.scale * factor));
      const mx = e.clientX - rect.left;
      const my = e.clientY - rect.top;
      v.x = mx - ((mx - v.x) * scale) / v.scale;
      v.y = my - ((my - v.y) * scale) / v.scale;
      v.scale = scale;
      draw();
    };
    el.addEventListener("pointerdown", onDown);
    addEventListener("pointermove", onMove);
    addEventListener("pointerup", onUp);
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => {
      el.removeEventListener("pointerdown", onDown);
      removeEventListener("pointermove", onMove);
      removeEventListener("pointerup", onUp);
      el.removeEventListener("wheel", onWheel);
    };
  }, []);
  return <canvas ref={canvas} className="graph-canvas" data-testid="graph-canvas" />;
}

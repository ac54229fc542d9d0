import { useRef, useState, type ReactNode } from "react";

/** Renders only the rows in view (plus a margin): 20,000 rows cost what 40 do. */
export function VirtualList<T>(props: { items: readonly T[]; rowHeight: number; height: number | string; row: (item: T, index: number) => ReactNode; onEnd?: () => void; testId?: string }) {
  const { items, rowHeight } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const viewport = ref.current?.clientHeight ?? 800;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 10);
  const last = Math.min(items.length, Math.ceil((scrollTop + viewport) / rowHeight) + 10);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" style={{ top: i * rowHeight, height: rowHeight }}>
        {props.row(items[i]!, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vlist"
      data-testid={props.testId}
      style={{ height: props.height }}
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        if (props.onEnd && el.scrollTop + el.clientHeight > el.scrollHeight - rowHeight * 20) props.onEnd();
      }}
    >
      <div style={{ height: items.length * rowHeight, position: "relative" }}>{rows}</div>
    </div>
  );
}

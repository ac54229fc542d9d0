// Writing a schema from data: from an Arrow schema (dtypes and nullability) or from a sample frame (also
// min/max and small category sets), usable directly or printed as TypeScript source to paste and edit.
import pl from "nodejs-polars";
import { DataType as ArrowType, type Field, type Schema } from "apache-arrow";
import { Column } from "./column.ts";
import { fromPolarsType, isNumeric, unsupportedDType, type DType, type TimeUnit } from "./dtypes.ts";
import { frame, type Columns, type FrameSchema } from "./frame.ts";
import { toLazyFrame, type FrameLike } from "./frame-like.ts";

export interface ColumnDraft {
  readonly dtype: DType;
  readonly nullable: boolean;
  readonly min?: number | Date;
  readonly max?: number | Date;
  readonly isin?: readonly string[];
}

export interface InferredSchema {
  readonly drafts: Readonly<Record<string, ColumnDraft>>;
  readonly schema: FrameSchema<Columns>;
  /** `export const Name = frame({...});` with the `col` calls that build this schema. */
  toTypeScript(name: string): string;
}

export interface InferOptions {
  /** String columns with at most this many distinct values get an `isin`. Default 10. */
  readonly categoryLimit?: number;
}

export async function inferSchema(sample: FrameLike, options: InferOptions = {}): Promise<InferredSchema> {
  const limit = options.categoryLimit ?? 10;
  const df = await toLazyFrame(sample).collect();
  const drafts: Record<string, ColumnDraft> = {};
  for (const [name, polarsType] of Object.entries(df.schema) as [string, pl.DataType][]) {
    const dtype = fromPolarsType(polarsType);
    if (!dtype) throw unsupportedDType(String(polarsType), name);
    const series = df.getColumn(name);
    const draft: { -readonly [K in keyof ColumnDraft]: ColumnDraft[K] } = { dtype, nullable: series.nullCount() > 0 };
    if ((isNumeric(dtype) && dtype.kind !== "decimal" && dtype.kind !== "uint64") || dtype.kind === "date" || dtype.kind === "datetime") {
      const stats = df.select(pl.col(name).min().alias("min"), pl.col(name).max().alias("max")).toRecords()[0]!;
      if (stats.min !== null && stats.max !== null) Object.assign(draft, { min: stats.min as number | Date, max: stats.max as number | Date });
    }
    if (dtype.kind === "utf8" || dtype.kind === "categorical") {
      const values = series.cast(pl.Utf8).dropNulls().unique().sort().toArray() as string[];
      if (values.length <= limit) draft.isin = values;
    }
    drafts[name] = draft;
  }
  return inferred(drafts);
}

/** Dtypes and nullability from an Arrow schema. */
export function fromArrowSchema(schema: Schema): InferredSchema {
  return inferred(Object.fromEntries(schema.fields.map((f) => [f.name, { dtype: fromArrowType(f), nullable: f.nullable }])));
}

const UNITS: Record<number, TimeUnit> = { 1: "ms", 2: "us", 3: "ns" };

function fromArrowType(field: Field): DType {
  const t = field.type;
  if (ArrowType.isInt(t)) return { kind: `${t.isSigned ? "int" : "uint"}${t.bitWidth}` as "int8" };
  if (ArrowType.isFloat(t)) return { kind: t.precision === 1 ? "float32" : "float64" };
  if (ArrowType.isBool(t)) return { kind: "boolean" };
  if (ArrowType.isUtf8(t) || ArrowType.isLargeUtf8(t) || ArrowType.isUtf8View(t)) return { kind: "utf8" };
  if (ArrowType.isDictionary(t)) return { kind: "categorical" };
  if (ArrowType.isDate(t)) return { kind: "date" };
  if (ArrowType.isTimestamp(t) && UNITS[t.unit]) return { kind: "datetime", unit: UNITS[t.unit]!, timezone: t.timezone ?? null };
  if (ArrowType.isDuration(t) && UNITS[t.unit]) return { kind: "duration", unit: UNITS[t.unit]! };
  if (ArrowType.isDecimal(t)) return { kind: "decimal", precision: t.precision, scale: t.scale };
  if (ArrowType.isList(t) || ArrowType.isLargeList(t)) return { kind: "list", inner: fromArrowType(t.children[0]!) };
  if (ArrowType.isStruct(t)) return { kind: "struct", fields: Object.fromEntries(t.children.map((c) => [c.name, fromArrowType(c)])) };
  throw unsupportedDType(String(t), field.name);
}

function inferred(drafts: Record<string, ColumnDraft>): InferredSchema {
  const columns: Columns = {};
  for (const [name, d] of Object.entries(drafts)) {
    let c: Column<unknown, boolean, boolean> = new Column({ dtype: d.dtype, nullable: d.nullable, optional: false, checks: [] });
    if (d.min !== undefined) c = c.min(d.min);
    if (d.max !== undefined) c = c.max(d.max);
    if (d.isin) c = c.isin(d.isin);
    columns[name] = c;
  }
  return { drafts, schema: frame(columns), toTypeScript: (name) => printSchema(name, drafts) };
}

function printSchema(name: string, drafts: Record<string, ColumnDraft>): string {
  const lines = Object.entries(drafts).map(([column, d]) => {
    let call = dtypeCall(d.dtype);
    if (d.nullable) call += ".nullable()";
    if (d.min !== undefined) call += `.min(${literal(d.min)})`;
    if (d.max !== undefined) call += `.max(${literal(d.max)})`;
    if (d.isin) call += `.isin([${d.isin.map((v) => JSON.stringify(v)).join(", ")}])`;
    return `  ${/^[A-Za-z_$][\w$]*$/.test(column) ? column : JSON.stringify(column)}: ${call},`;
  });
  return [`import { col, frame, type Infer } from "@orch/dataframe";`, "", `export const ${name} = frame({`, ...lines, "});", `export type ${name}Row = Infer<typeof ${name}>;`, ""].join("\n");
}

function dtypeCall(d: DType): string {
  switch (d.kind) {
    case "datetime": return `col.datetime(${JSON.stringify(d.unit)}${d.timezone ? `, ${JSON.stringify(d.timezone)}` : ""})`;
    case "duration": return `col.duration(${JSON.stringify(d.unit)})`;
    case "decimal": return `col.decimal(${d.precision}, ${d.scale})`;
    case "list": return `col.list(${dtypeCall(d.inner)})`;
    case "struct": return `col.struct({ ${Object.entries(d.fields).map(([k, v]) => `${JSON.stringify(k)}: ${dtypeCall(v)}`).join(", ")} })`;
    default: return `col.${d.kind}()`;
  }
}

function literal(value: number | Date): string {
  return value instanceof Date ? `new Date(${JSON.stringify(value.toISOString())})` : String(value);
}


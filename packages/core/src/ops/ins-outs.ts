import type { Metadata } from "../metadata.ts";
import type { TypeCheck } from "../type-check.ts";

/** An op input. `In<T>()` declares its type; `default` lets the input stay unconnected in a job. */
export interface In<T = unknown> {
  readonly kind: "orch.in";
  readonly typeCheck?: TypeCheck;
  readonly hasDefault: boolean;
  readonly default?: T;
  readonly description?: string;
  /** Phantom: the value type `compute` receives. */
  readonly __type?: T;
}

export interface InOptions<T> {
  readonly typeCheck?: TypeCheck<T>;
  readonly default?: T;
  readonly description?: string;
}

export function In<T = unknown>(options: InOptions<T> = {}): In<T> {
  return {
    kind: "orch.in",
    hasDefault: "default" in options,
    ...(options.typeCheck ? { typeCheck: options.typeCheck as TypeCheck } : {}),
    ...("default" in options ? { default: options.default as T } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
}

export interface OutFlags {
  readonly optional?: boolean;
}

export interface OutOptions<T> {
  readonly typeCheck?: TypeCheck<T>;
  /** IO manager key; default `io`. */
  readonly ioManager?: string;
  readonly metadata?: Metadata;
  readonly description?: string;
}

/** An op output. Optional outputs may be left unset: their downstream steps are skipped, the run still succeeds. */
export interface Out<T = unknown, F extends OutFlags = {}> {
  readonly kind: "orch.out";
  readonly dynamic: false;
  readonly optional: boolean;
  readonly options: OutOptions<unknown>;
  readonly __type?: T;
  readonly __flags?: F;
}

export function Out<T = unknown>(options: OutOptions<T> & { readonly optional: true }): Out<T, { optional: true }>;
export function Out<T = unknown>(options?: OutOptions<T> & { readonly optional?: false }): Out<T>;
export function Out<T = unknown>(options: OutOptions<T> & OutFlags = {}): Out<T, OutFlags> {
  const { optional, ...rest } = options;
  return { kind: "orch.out", dynamic: false, optional: optional === true, options: rest as OutOptions<unknown> };
}

/**
 * A dynamic output: the op emits any number of values keyed by a mapping key (`[A-Za-z0-9_]+`); downstream ops
 * run once per key through `.map()`, and `.collect()` gathers them back into a list.
 */
export interface DynamicOut<T = unknown> {
  readonly kind: "orch.out";
  readonly dynamic: true;
  readonly optional: boolean;
  readonly options: OutOptions<unknown>;
  readonly __type?: T;
}

export function dynamicOut<T = unknown>(options: OutOptions<T> = {}): DynamicOut<T> {
  return { kind: "orch.out", dynamic: true, optional: true, options: options as OutOptions<unknown> };
}

export type AnyOut = Out<any, any> | DynamicOut<any>;
export type InsShape = Record<string, In<any>>;
export type OutsShape = Record<string, AnyOut>;

/** Values `compute` receives for its inputs. */
export type OpInValues<TIns> = { readonly [K in keyof TIns]: TIns[K] extends In<infer T> ? T : never };

/** What `compute` returns for one output: the value, a Map of keyed values for a dynamic output. */
export type OutValue<O> = O extends DynamicOut<infer T> ? ReadonlyMap<string, T> | void : O extends Out<infer T, infer F> ? (F extends { optional: true } ? T | undefined : T) : never;

type OptionalKeys<TOuts> = { [K in keyof TOuts]: TOuts[K] extends DynamicOut<any> | Out<any, { optional: true }> ? K : never }[keyof TOuts];
type RequiredKeys<TOuts> = Exclude<keyof TOuts, OptionalKeys<TOuts>>;

/** What a multi-output op returns: one entry per output; optional and dynamic ones may be missing. */
export type OutsValues<TOuts> = { [K in RequiredKeys<TOuts>]: OutValue<TOuts[K]> } & { [K in OptionalKeys<TOuts>]?: Exclude<OutValue<TOuts[K]>, void> };

export const MAPPING_KEY = /^[A-Za-z0-9_]+$/;
export const OP_NAME = /^[A-Za-z0-9_]+$/;

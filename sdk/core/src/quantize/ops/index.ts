import type { QuantizedOp } from "../types.ts";
import { clip } from "./clip.ts";
import { div } from "./div.ts";
import { dot } from "./dot.ts";
import { layout } from "./layout.ts";
import { leaky } from "./leaky.ts";
import { linear } from "./linear.ts";
import { max } from "./max.ts";
import { mul } from "./mul.ts";
import type { OpModule } from "./opModule.ts";
import { piecewise } from "./piecewise.ts";
import { range } from "./range.ts";
import { rsqrt } from "./rsqrt.ts";
import { topk } from "./topk.ts";

export type QuantizedOpKind = QuantizedOp["kind"];

/**
 * Every quantized op kind and the module that says what it means (semantics, calibration,
 * field-size needs, circuit). The mapped type requires one entry per kind of the
 * `QuantizedOp` union: a new kind without a module does not compile. To add an op: its type
 * in ../types.ts (and the union), its module here, its template in circuits/ if it needs one.
 */
export const OP_MODULES: { [K in QuantizedOpKind]: OpModule<QuantizedOp & { kind: K }> } = {
  linear,
  layout,
  mul,
  max,
  argmax: max,
  topk,
  clip,
  leaky,
  piecewise,
  range,
  dot,
  div,
  rsqrt,
};

/**
 * The module of an op's kind.
 *
 * @example
 * opModule(op).run(op, ins, checked);
 */
export function opModule<O extends QuantizedOp>(op: O): OpModule<O> {
  return OP_MODULES[op.kind] as unknown as OpModule<O>;
}

import { fromField } from "@zkml-verify/core/internal/quantize/fixedPoint";
import type { AuditedPrediction, AuditReport } from "./types.ts";

/** Digits shown for a dequantized output. */
const OUTPUT_DIGITS = 3;

/** A block timestamp as `2026-11-30 18:47:19 UTC`. */
export const utc = (seconds: number): string =>
  new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");

/** `0x12345678…abcdef` for ids and hashes in tables (the full value is in the details). */
export const short = (h: string): string =>
  h.length > 18 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h;

/** What a prediction says, read through its manifest: `class 2; logits -10.536, ...`. */
export function predictionText(p: AuditedPrediction): string {
  const d = p.decoded;
  if (!d) return "not decoded (no manifest matched the model)";
  if (d.kind === "hashed") return "hashed outputs (only their commitment is on chain)";
  if (d.kind === "argmax") return `class ${d.predictedClass}`;
  return `class ${d.predictedClass}; logits ${d.values.map((v) => v.toFixed(OUTPUT_DIGITS)).join(", ")}`;
}

/** The raw outputs: signed fixed point at 2^outputFrac (or field elements when not decoded). */
export function rawOutputsText(p: AuditedPrediction): string {
  const d = p.decoded;
  if (!d) return `${p.outputs.map((x) => fromField(x)).join(", ")} (field elements, signed)`;
  if (d.kind === "hashed") return `commitment ${d.raw.join(", ")}`;
  return `${d.raw.join(", ")} (× 2^-${d.outputFrac})`;
}

/** The verdict line: findings, and what the counts mean. */
export function verdictText(r: AuditReport): string {
  const s = r.summary;
  const head = s.ok ? "No finding" : `${s.findings} finding(s)`;
  const notChecked = r.notChecked.length
    ? `; ${r.notChecked.length} thing(s) NOT checked${r.strict ? " (findings under --strict)" : " (listed below: the result says nothing about them)"}`
    : "; everything was checked";
  return `${head}: ${s.models} model version(s), ${s.predictions} prediction(s), ${s.checks} checks (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped)${notChecked}.`;
}

import type { QuantizeMode } from "./types.ts";

/** Scale limits per mode: activation and weight bit budgets and the largest fractions. */
export const MODE_LIMITS: Record<
  QuantizeMode,
  {
    actBits: number;
    maxActFrac: number;
    weightBits: number;
    maxWeightFrac: number;
    slopeFrac: number;
  }
> = {
  accuracy: { actBits: 24, maxActFrac: 12, weightBits: 16, maxWeightFrac: 16, slopeFrac: 12 },
  resources: { actBits: 14, maxActFrac: 7, weightBits: 9, maxWeightFrac: 8, slopeFrac: 6 },
};

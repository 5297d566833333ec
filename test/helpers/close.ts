import { expect } from "chai";

/**
 * |actual - expected| <= tolerance for floats. Not chai's closeTo: once a test has created a
 * Hardhat network, hardhat-ethers-chai-matchers replaces closeTo with a bigint version that
 * refuses non-integers, so closeTo on floats fails depending on which tests ran first.
 *
 * @example
 * expectClose(0.501, 0.5, 0.01, "output 0");
 */
export function expectClose(actual: number, expected: number, tolerance: number, what = ""): void {
  const ok = Math.abs(actual - expected) <= tolerance;
  expect(
    ok,
    `${what ? `${what}: ` : ""}${actual} is not within ${tolerance} of ${expected}`,
  ).to.equal(true);
}

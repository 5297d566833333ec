import { SNARK_SCALAR_FIELD, SUBMITTER_KIND } from "../layout/publicSignals.ts";
import type { SignalLayout } from "../layout/publicSignals.ts";
import { InputError } from "../errors.ts";
import type { ChainClient } from "./chainClient.ts";
import { readRegistry } from "./readRegistry.ts";

export interface CheckSubmissionParameters {
  /** The layout of the version the proof goes to (`getVersion(...).layout`). */
  layout: SignalLayout;
  publicSignals: readonly bigint[];
  /** The account that will send the transaction. */
  sender: string;
  /** The item's index in a batch, for the message. */
  index?: number;
}

/**
 * The registry's statement checks that the sender can fail by itself, run before anything is
 * written or sent: every signal < r (else `PublicSignalOutOfField`) and, when the layout binds a
 * submitter, that it is the sender (else `SubmitterMismatch`: the proof was made for another
 * account). Throws InputError naming the signal and what to do.
 *
 * @example
 * checkSubmission({ layout, publicSignals, sender: await client.getAddress() });
 */
export function checkSubmission(p: CheckSubmissionParameters): void {
  const item = p.index === undefined ? "" : ` (batch item ${p.index})`;
  p.publicSignals.forEach((value, index) => {
    if (value < 0n || value >= SNARK_SCALAR_FIELD) {
      throw new InputError(
        `public signal ${index}${item} is not a field element (>= r): the registry refuses it`,
        { details: { input: "publicSignals", index, value: value.toString() } },
      );
    }
  });
  if (p.layout.submitterKind !== SUBMITTER_KIND.bound) return;
  const bound = p.publicSignals[p.layout.submitterIndex];
  if (bound !== BigInt(p.sender)) {
    const address = bound === undefined ? "none" : `0x${bound.toString(16).padStart(40, "0")}`;
    throw new InputError(
      `the proof${item} is bound to submitter ${address}, but the sender is ${p.sender}: send it from ${address}, or prove again with submitter ${p.sender}`,
      { details: { input: "submitter", index: p.layout.submitterIndex, value: address } },
    );
  }
}

/** The layout of a model's version as registered (one `getVersion` call). */
export async function registeredLayout(p: {
  client: ChainClient;
  registry: string;
  modelId: string;
  version: number;
}): Promise<SignalLayout> {
  const v = await readRegistry({
    client: p.client,
    registry: p.registry,
    functionName: "getVersion",
    args: [p.modelId as `0x${string}`, p.version],
  });
  return { ...v.layout };
}

import { DevSetupError } from "@zkml-verify/core/internal/errors";
import type { SetupRecord, SetupTrust } from "@zkml-verify/core/internal/manifest";
import { checkKeyFiles } from "./checkKeyFiles.ts";
import type { CheckKeyFilesParameters, CheckKeyFilesReturnType } from "./checkKeyFiles.ts";
import { devSetupReasons, recomputeSetupTrust } from "./setupTrust.ts";

/** Chain ids of local development chains (Hardhat, Anvil: 31337; Ganache, geth --dev: 1337). */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];

export interface CheckSetupForChainParameters {
  record: SetupRecord;
  /** The setup's trust as recomputed from the files (default: the record's). */
  trust?: SetupTrust;
  network: string;
  chainId: number;
  /** Hardhat's in-process chain (discarded when the process exits). */
  inProcess: boolean;
  /** `--allow-dev-setup`: the user accepts a single-party setup on this chain. */
  allowDevSetup?: boolean;
}

export interface CheckSetupForChainReturnType {
  devSetup: boolean;
  devChain: boolean;
  /** Why the setup is development only (empty when it is not). */
  reasons: string[];
  /** Set when a dev setup goes to a non-dev chain because the user allowed it. */
  warning?: string;
}

/**
 * Decides whether a setup may be deployed or registered on a chain: a single-party
 * (development) setup only on the in-process chain or a local dev chain (chain id 31337 or
 * 1337), elsewhere only with `allowDevSetup`. Throws `DevSetupError` naming the reasons and
 * the flag.
 *
 * @example
 * checkSetupForChain({ record, network: "sepolia", chainId: 11155111, inProcess: false });
 */
export function checkSetupForChain(p: CheckSetupForChainParameters): CheckSetupForChainReturnType {
  const reasons = devSetupReasons({ record: p.record, trust: p.trust });
  const devChain = p.inProcess || DEV_CHAIN_IDS.includes(p.chainId);
  const devSetup = reasons.length > 0;
  if (!devSetup || devChain) return { devSetup, devChain, reasons };
  const what = `${p.record.system} setup is single-party (${reasons.join("; ")}): whoever ran it can forge proofs`;
  if (!p.allowDevSetup) {
    throw new DevSetupError(
      `refusing to use it on ${p.network} (chain ${p.chainId}), not a local dev chain: the ${what}. Use a public ceremony's ptau (--ptau) and a multi-party phase 2 (zkml ceremony, zkml setup --zkey), or pass --allow-dev-setup to accept it`,
      {
        details: {
          network: p.network,
          chainId: p.chainId,
          system: p.record.system,
          reasons,
          flag: "--allow-dev-setup",
        },
      },
    );
  }
  return {
    devSetup,
    devChain,
    reasons,
    warning: `--allow-dev-setup: the ${what}`,
  };
}

/**
 * Both checks `deploy` and `register` make before touching a chain: the folder's keys are the
 * manifest's (`checkKeyFiles`), and the setup's trust, recomputed from the zkey and ptau,
 * allows this chain (`checkSetupForChain`).
 *
 * @example
 * const { warning } = checkDeployable({ dir, record, network: "localhost", chainId: 31337, inProcess: false });
 */
export function checkDeployable(
  p: CheckKeyFilesParameters & Omit<CheckSetupForChainParameters, "trust">,
): CheckKeyFilesReturnType & CheckSetupForChainReturnType & { trust: SetupTrust } {
  const keys = checkKeyFiles(p);
  const trust = recomputeSetupTrust({ record: p.record, zkey: keys.zkey });
  return { ...keys, ...checkSetupForChain({ ...p, trust }), trust };
}

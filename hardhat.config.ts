import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { afterAllTests } from "./test/helpers/exitWatchdog.ts";

const require = createRequire(import.meta.url);

/** An HTTP network whose RPC URL and private key are configuration variables <PREFIX>_RPC_URL / <PREFIX>_PRIVATE_KEY. */
function testnet(name: string, prefix: string, chainType: "l1" | "op" | "generic") {
  return {
    [name]: {
      type: "http" as const,
      chainType,
      url: configVariable(`${prefix}_RPC_URL`),
      accounts: [configVariable(`${prefix}_PRIVATE_KEY`)],
    },
  };
}

export default defineConfig({
  plugins: [
    hardhatEthers,
    hardhatEthersChaiMatchers,
    hardhatMocha,
    hardhatNetworkHelpers,
    hardhatViem,
  ],
  solidity: {
    version: "0.8.28",
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
  },
  networks: {
    default: { type: "edr-simulated", chainType: "l1" },
    // Public testnets for `zkml ... --network <name>`. URL and key are Hardhat configuration
    // variables, read from the environment (or `npx hardhat keystore set <NAME>`) only when the
    // network is used; never commit them. `localhost` (npx hardhat node) is built in.
    ...testnet("sepolia", "SEPOLIA", "l1"),
    ...testnet("opSepolia", "OP_SEPOLIA", "op"),
    ...testnet("baseSepolia", "BASE_SEPOLIA", "op"),
    ...testnet("arbitrumSepolia", "ARBITRUM_SEPOLIA", "generic"),
  },
  test: {
    mocha: {
      timeout: 600_000,
      // releases the curve's worker threads; a process still held after that fails, naming why
      rootHooks: { afterAll: afterAllTests },
    },
  },
});

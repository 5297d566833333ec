import { decode as decodeCbor } from "ox/Cbor";
import type { Hex } from "@zkml-verify/core/internal/chain/chainClient";

/**
 * The keys solc writes into the CBOR map it appends to runtime code (`ipfs` / `bzzr0` / `bzzr1`:
 * the metadata hash, `solc`: the compiler version, `experimental`). A trailing blob that decodes
 * to a map of other keys is code, not metadata.
 */
const SOLC_METADATA_KEYS = new Set(["ipfs", "bzzr0", "bzzr1", "solc", "experimental"]);

/** Bytes of the big-endian length solc puts after the CBOR map. */
const LENGTH_BYTES = 2;

/**
 * The INVALID opcode solc puts between the code and what follows it (data, sub-assemblies or the
 * metadata). A build without metadata and without data ends without it.
 */
const INVALID_OPCODE = "fe";

export interface SplitSolcMetadataReturnType {
  /** The runtime code without the metadata (the whole code when there is none). */
  code: Hex;
  /** The decoded CBOR map (byte strings as hex), or null when the code carries none. */
  metadata: Record<string, unknown> | null;
}

/**
 * Splits solc's CBOR metadata off runtime bytecode: the last two bytes are the length of a CBOR
 * map that sits just before them (solc >= 0.4.7; absent with `appendCBOR: false`). Two builds of
 * one source whose settings differ only in the metadata (`bytecodeHash` ipfs / bzzr1 / none,
 * `appendCBOR`, a changed comment or path) have the same code once split; any other change in
 * the code does not. The map is decoded with ox's CBOR decoder and accepted only if its keys are
 * solc's, so code that merely ends in two plausible bytes is left whole.
 *
 * @example
 * const { code, metadata } = splitSolcMetadata(await client.getCode(verifier));
 * // metadata: { ipfs: "0x1220…", solc: "0x00081c" }
 */
export function splitSolcMetadata(runtimeCode: Hex): SplitSolcMetadataReturnType {
  const hex = runtimeCode.toLowerCase().replace(/^0x/, "");
  const bytes = hex.length / 2;
  const none = { code: `0x${hex}` as Hex, metadata: null };
  if (bytes < LENGTH_BYTES) return none;
  const length = parseInt(hex.slice(-2 * LENGTH_BYTES), 16);
  const start = bytes - LENGTH_BYTES - length;
  if (length === 0 || start < 0) return none;
  let map: unknown;
  try {
    map = decodeCbor(`0x${hex.slice(2 * start, -2 * LENGTH_BYTES)}`);
  } catch {
    return none;
  }
  if (typeof map !== "object" || map === null || Array.isArray(map)) return none;
  const keys = Object.keys(map);
  if (keys.length === 0 || !keys.every((k) => SOLC_METADATA_KEYS.has(k))) return none;
  return { code: `0x${hex.slice(0, 2 * start)}`, metadata: map as Record<string, unknown> };
}

/** What `sameRuntimeCode` found. */
export interface SameRuntimeCodeReturnType {
  /** The code is the same once solc's metadata is split off. */
  same: boolean;
  /** The metadata is byte-for-byte the same too (or both have none). */
  sameMetadata: boolean;
}

/**
 * Compares two runtime codes with solc's metadata split off (`splitSolcMetadata`): what a
 * contract executes, not how its compiler described the build. solc ends the code with an
 * INVALID opcode before any metadata, but not when `appendCBOR: false` leaves nothing after
 * the code; so when only one side has metadata, that one INVALID byte may be its only extra.
 *
 * @example
 * const { same } = sameRuntimeCode(await client.getCode(address), exported.deployedBytecode);
 */
export function sameRuntimeCode(a: Hex, b: Hex): SameRuntimeCodeReturnType {
  const x = splitSolcMetadata(a);
  const y = splitSolcMetadata(b);
  const [withMeta, without] = x.metadata ? [x, y] : [y, x];
  const same =
    x.code === y.code ||
    (withMeta.metadata !== null &&
      without.metadata === null &&
      withMeta.code === `${without.code}${INVALID_OPCODE}`);
  return {
    same,
    sameMetadata: JSON.stringify(x.metadata) === JSON.stringify(y.metadata),
  };
}

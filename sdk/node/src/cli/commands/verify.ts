import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { toFixed } from "@zkml-verify/core/internal/quantize/fixedPoint";
import { outputCommitment } from "@zkml-verify/core/internal/quantize/outputCommitment";
import { ZkmlError } from "@zkml-verify/core/internal/errors";
import { readManifest } from "../../manifestFile.ts";
import { verifyProof } from "@zkml-verify/core/internal/prove/verifyProof";
import { checkGroth16KeyTrust } from "../../setup/checkGroth16KeyTrust.ts";
import { artifactNames } from "../../setup/artifactNames.ts";
import { releaseSnarkjs } from "@zkml-verify/core/internal/util/snarkjsLogger";
import { EXIT } from "../command.ts";
import { parseCommandArgs, positionalArgs, requiredOption } from "../args.ts";
import { printJson } from "../jsonConvention.ts";
import type { Command } from "../command.ts";
import { readProofFile } from "../../model/modelDir.ts";
import { privateWeightCommitment } from "@zkml-verify/core/internal/quantize/weightCommitment";
import { readQuantizedModel } from "../../quantize/readQuantizedModel.ts";

export const command: Command = {
  name: "verify",
  usage: `zkml verify <dir> --proof <proof.json> [--weights-from <model.onnx>] [--json]

  Checks the proof (its "system": groth16, plonk or fflonk) against the verification key in <dir>, and that its first public
  signal is the weight commitment in <dir>/manifest.json (the proof is about this model), or
  with --weights-from (private weights) the commitment to that ONNX file's weights. With hashed
  outputs, also that the proof file's outputs open the output commitment. A Groth16 key with
  which anyone can forge proofs (no phase-2 contribution: delta = gamma) is refused.
  Exit 0: valid. Exit 1: invalid. Exit 3: unreadable files or a refused key.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(this.name, argv, {
      proof: { type: "string" },
      "weights-from": { type: "string" },
      json: { type: "boolean" },
    });
    const [dirArg] = positionalArgs(this.name, positionals, ["<dir>"]);
    const proofFile = requiredOption(this.name, values.proof, "proof", "proof.json");
    const p = readProofFile(proofFile);
    const dir = resolve(dirArg);
    const manifest = readManifest(dir);
    const system = p.system ?? "groth16";
    const vkFile = join(dir, artifactNames(system).verificationKey);
    if (!existsSync(vkFile)) {
      throw new ZkmlError(
        `no ${system} verification key in ${dir}: run zkml setup ${dir} --system ${system} first`,
        {
          details: { file: vkFile },
        },
      );
    }
    const vk = JSON.parse(readFileSync(vkFile, "utf8"));
    // A Groth16 key anyone can forge with is refused (UntrustedKeyError, exit 3); its phase-2
    // contributions are counted when the zkey is in the folder.
    const zkey = join(dir, artifactNames(system).zkey);
    if (system === "groth16")
      checkGroth16KeyTrust({
        verificationKey: vk,
        zkey: existsSync(zkey) ? zkey : undefined,
        file: existsSync(zkey) ? zkey : vkFile,
      });
    try {
      const signals = p.publicSignals.map((s) => BigInt(s));
      const { valid, ms } = await verifyProof({
        system,
        verificationKey: vk,
        proof: p.proof,
        publicSignals: signals,
      });
      const weightsFile = values["weights-from"];
      const expected = weightsFile
        ? privateWeightCommitment({
            // ONNX import only for --weights-from
            model: (await import("../../model/weightsFrom.ts")).weightsFrom({
              manifest,
              model: readQuantizedModel({ file: join(dir, "quantized.json") }),
              file: resolve(weightsFile),
            }),
          })
        : BigInt(manifest.weightCommitment);
      const commitmentMatches = signals[0] === expected;
      // Hashed outputs: the proof file's outputs must open the output commitment.
      const { layout } = manifest.publicSignals;
      const outputsOpen =
        manifest.visibility.output !== "hashed" ||
        outputCommitment({
          outputs: (p.outputs ?? []).map((o) => toFixed(o, manifest.quantization.outputFrac)),
        }) === signals[layout.outputOffset];
      const ok = valid && commitmentMatches && outputsOpen;
      const result = {
        valid: ok,
        proofValid: valid,
        commitmentMatches,
        outputsOpen,
        seconds: ms / 1000,
        proof: proofFile,
      };
      if (values.json) printJson(result);
      else {
        console.log(`proof        ${system} ${valid ? "valid" : "INVALID"} against ${vkFile}`);
        console.log(
          `commitment   ${commitmentMatches ? "matches" : "DOES NOT MATCH"} the manifest`,
        );
        if (manifest.visibility.output === "hashed") {
          console.log(`outputs      ${outputsOpen ? "open" : "DO NOT OPEN"} the output commitment`);
        }
      }
      return ok ? EXIT.ok : EXIT.checkFailed;
    } finally {
      await releaseSnarkjs();
    }
  },
};

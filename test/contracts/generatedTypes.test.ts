import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_CONTRACTS, renderContractTypes } from "../../scripts/gen-contract-types.ts";

describe("sdk/core/src/chain/generated", function () {
  it("matches the current contracts (run `npm run gen:contracts` after changing them)", async function () {
    const files = await renderContractTypes();
    expect(Object.keys(files)).to.have.length(GENERATED_CONTRACTS.length);
    for (const [file, text] of Object.entries(files)) {
      const committed = readFileSync(
        join(import.meta.dirname, "../../sdk/core/src/chain/generated", file),
        "utf8",
      );
      expect(committed, `${file} is stale`).to.equal(text);
    }
  });
});

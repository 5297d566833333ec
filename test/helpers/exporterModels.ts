import type { ExporterModel } from "./exporterModel.ts";
import { kerasCnn, kerasConv1d, kerasGlobalAveragePool, kerasMlp } from "./kerasModels.ts";
import { sklearnLogistic, sklearnMlp, sklearnNormalizer } from "./sklearnModels.ts";
import { boostedTrees, hummingbirdGemm } from "./treeExportModels.ts";

export type { ExporterModel } from "./exporterModel.ts";
export {
  kerasCnn,
  kerasConv1d,
  kerasGlobalAveragePool,
  kerasMlp,
  sklearnLogistic,
  sklearnMlp,
  sklearnNormalizer,
};
export { boostedTrees, hummingbirdGemm };

export function exporterModels(): ExporterModel[] {
  return [
    kerasMlp(),
    kerasCnn(),
    kerasCnn({ dynamicFlatten: true }),
    kerasConv1d(),
    kerasGlobalAveragePool(),
    sklearnLogistic({ ovr: false, zipmap: true }),
    sklearnLogistic({ ovr: true, zipmap: false }),
    sklearnNormalizer("L1"),
    sklearnNormalizer("L2"),
    sklearnNormalizer("MAX"),
    sklearnMlp(),
    hummingbirdGemm({ trees: 2, depth: 2, features: 3, classes: 3 }),
    boostedTrees({ library: "LightGBM", classifier: true }),
    boostedTrees({ library: "XGBoost", classifier: false }),
    boostedTrees({ library: "LightGBM", classifier: true, classes: 3 }),
    boostedTrees({ library: "XGBoost", classifier: true, classes: 3 }),
  ];
}

/** ONNX ops that are one activation on one tensor (lowered in lowerUnary.ts). */
export const UNARY_ONNX_OPS = [
  "Exp",
  "Log",
  "Sqrt",
  "Reciprocal",
  "Pow",
  "Erf",
  "Gelu",
  "Elu",
  "Selu",
  "Celu",
  "Softplus",
  "Softsign",
  "Mish",
] as const;

/** ONNX ops lowered as compositions of other ops, and TopK (lowerComposite.ts). */
export const COMPOSITE_OPS = [
  "Hardmax",
  "ReduceL2",
  "ReduceLogSum",
  "ReduceLogSumExp",
  "LpPool",
  "GlobalLpPool",
  "LpNormalization",
  "TopK",
] as const;

/** Recurrent nets, unrolled over the static sequence length (lowerRecurrent.ts). */
export const RECURRENT_OPS = ["LSTM", "GRU", "RNN"] as const;

/**
 * Why a tree ensemble exported by hummingbird-ml's tree_trav / perfect_tree_trav strategies is
 * refused: they walk the trees with indices computed at run time (Gather of the node tables by
 * the current node, GatherElements of the input by the node's feature, Where of the children).
 * Proving such a walk needs a one-hot selection per lookup (about 2 (b + 3) constraints per
 * table entry, table entries = trees x nodes, once per level), far above the GEMM strategy's
 * comparisons and constant matrices, which is supported.
 */
export const TREE_TRAVERSAL_HINT =
  'indices computed at run time, as hummingbird-ml\'s tree_trav / perfect_tree_trav strategies walk their trees; convert with hummingbird\'s GEMM strategy instead (hummingbird.ml.convert(model, "onnx", X, extra_config={"tree_implementation": "gemm"})), which is supported';

/** Ops the importer refuses with a hint for the exporter form that writes them. */
export const UNSUPPORTED_OP_HINTS: Readonly<Record<string, string>> = {
  GatherElements: TREE_TRAVERSAL_HINT,
};

/** Operators the importer understands (ONNX default domain, opsets 7-21, older attribute forms included (README); ai.onnx.ml, opsets 1-3). */
export const SUPPORTED_OPS = [
  "Gemm",
  "MatMul",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Neg",
  "Relu",
  "LeakyRelu",
  "PRelu",
  "Clip",
  "Sigmoid",
  "Tanh",
  "HardSigmoid",
  "HardSwish",
  "Softmax",
  "LogSoftmax",
  "ArgMax",
  "Conv",
  "ConvTranspose",
  "Resize",
  "Upsample",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "GlobalMaxPool",
  "BatchNormalization",
  "LayerNormalization",
  "InstanceNormalization",
  "Trilu",
  "Where",
  "Flatten",
  "Reshape",
  "Transpose",
  "Squeeze",
  "Unsqueeze",
  "Concat",
  "Slice",
  "Pad",
  "Identity",
  "Dropout",
  "Cast",
  "ReduceMean",
  "ReduceSum",
  "ReduceMax",
  "Constant",
  "Shape",
  "Gather",
  "Split",
  "Tile",
  "Expand",
  "Sum",
  "Mean",
  "Max",
  "Min",
  "Abs",
  "ArgMin",
  "ReduceMin",
  "ReduceL1",
  "ReduceSumSquare",
  ...COMPOSITE_OPS,
  ...UNARY_ONNX_OPS,
  "Less",
  "Greater",
  "LessOrEqual",
  "GreaterOrEqual",
  "Equal",
  "Not",
  "And",
  "Or",
  "Xor",
  "Where",
  ...RECURRENT_OPS,
  // ai.onnx.ml (sklearn-onnx, onnxmltools): lowerMl.ts
  "TreeEnsembleRegressor",
  "TreeEnsembleClassifier",
  "LinearRegressor",
  "LinearClassifier",
  "Scaler",
  "ZipMap",
  "Normalizer",
  "ArrayFeatureExtractor",
] as const;

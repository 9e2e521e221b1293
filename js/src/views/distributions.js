// Distributions view: TensorBoard's nine percentile bands over steps (see histograms.js).
import { makeBucketView } from "./histograms.js";

export default makeBucketView("distribution");

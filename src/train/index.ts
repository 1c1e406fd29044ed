/** Training as a program runs it: one estimator or an AutoML search, recorded and registered the one way, and replayed. */
export { type AutomlRequest, type AutomlTrainOptions, type TrainedAutoml, trainAutoml } from './automl.js';
export {
  type Outcome,
  type Recorded,
  type RecordedRun,
  type Recording,
  recipeOfRun,
  registerVersion,
} from './recording.js';
export { type Replayed, type ReplayOptions, replay } from './replay.js';
export {
  type CvRequest,
  type TestRequest,
  type TrainedModel,
  type TrainOptions,
  type TrainRequest,
  train,
  type Validation,
} from './train.js';

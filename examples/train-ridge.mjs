// The README's library example, run as a test (test/examples.test.ts).
import {
  crossValidate,
  defaultPreprocessing,
  kFold,
  loadModel,
  pipeline,
  readTable,
  ridge,
  saveModel,
  targetFromFrame,
} from 'keel';

const frame = await readTable(new URL('data/diamonds.csv', import.meta.url).pathname);
const target = targetFromFrame(frame, 'price');
const features = frame.drop(['price']);
const prep = defaultPreprocessing(features, { acceptsMissing: false, wantsScaling: true });
const estimator = pipeline([prep.transformer], ridge({ alpha: 1 }));
const cv = crossValidate(estimator, features, target, { cv: kFold({ k: 5, shuffle: true, seed: 0 }) });
const model = estimator.fit(features, target);
const same = loadModel(saveModel(model));
const a = model.predict(features.head(100));
const b = same.predict(features.head(100));
console.log(
  JSON.stringify({
    rmse: cv.metrics.rmse.mean,
    std: cv.metrics.rmse.std,
    identical: a.every((v, i) => Object.is(v, b[i])),
  }),
);

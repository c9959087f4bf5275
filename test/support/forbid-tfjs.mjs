// `node --import ./test/support/forbid-tfjs.mjs ...`: any import of a @tensorflow/tfjs package fails
// with "tensorflow.js was loaded", so a test can show that a command never loads it.
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  if (/^@tensorflow\\/tfjs/.test(specifier)) throw new Error("tensorflow.js was loaded (" + specifier + ")");
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

/**
 * A protocol Step as a recording stores it. Images leave the record (the caller
 * decides where the PNG goes) and are kept as a reference with the bytes' hash, so
 * the writer and the replayer build the very same record from a Step.
 */
import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import type { Image } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { Step } from "../client/index.js";
import type { ImageRef, RecordedResult } from "./format.js";

/** Where a frame's PNG was written, relative to the recording; "" when nothing was written (replay). */
export type FrameSink = (png: Buffer, image: Image) => string;

export function recordResult(step: Step, frame: FrameSink = () => ""): RecordedResult {
  const o = step.observation;
  return {
    observation: {
      text: o.text,
      ...(o.image && o.image.data.length > 0 ? { image: imageRef(o.image, frame) } : {}),
      uiElements: o.uiElements,
      validActions: o.validActions,
      fingerprint: o.fingerprint,
    },
    reward: step.reward,
    terminated: step.terminated,
    truncated: step.truncated,
    info: step.info,
    stepIndex: step.stepIndex,
  };
}

function imageRef(image: Image, frame: FrameSink): ImageRef {
  const data = Buffer.from(image.data);
  return {
    file: frame(toPng(image, data), image),
    mimeType: "image/png",
    width: image.width,
    height: image.height,
    // Of the bytes as sent, so a replay compares what the server said, not our re-encoding.
    sha256: createHash("sha256").update(data).digest("hex"),
  };
}

/** PNG bytes for any image the protocol carries (raw RGB is encoded; browsers show only files). */
export function toPng(image: Image, data: Buffer): Buffer {
  if (image.mimeType === "image/png") return data;
  if (image.mimeType !== "application/x-rgb8") throw new Error(`cannot record an image of type ${image.mimeType}`);
  const png = new PNG({ width: image.width, height: image.height });
  for (let i = 0, j = 0; i < image.width * image.height; i++, j += 3) {
    png.data[i * 4] = data[j]!;
    png.data[i * 4 + 1] = data[j + 1]!;
    png.data[i * 4 + 2] = data[j + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

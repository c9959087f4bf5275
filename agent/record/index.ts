/** Episodes on disk: the recording format, a recording client, and replay. */
export { parseRecording, RECORDING_FORMAT, RECORDING_VERSION } from "./format.js";
export type { Recording, RecordingEvent, RecordingHeader, RecordedResult, RecordedObservation, ImageRef } from "./format.js";
export { RecordingEnvClient, RecordedSession, type RecordingOptions } from "./recording-client.js";
export { replay, formatOutcome, type Divergence, type ReplayOutcome, type ReplayOptions } from "./replay.js";

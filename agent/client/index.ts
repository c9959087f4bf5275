/** The agent-side client of the environment protocol. */
export { EnvClient, RemoteSession, type ClientOptions, type ExpandBranch, type SessionOptions, type StateRef } from "./env-client.js";
export { Env, type StepTuple } from "./gym-env.js";
export { StreamChannel } from "./stream-channel.js";
export { DynamindError } from "./errors.js";
export { ROUTE_HEADER, routeOf } from "./route.js";
export type { ActionInput } from "./actions.js";
export type { Step } from "./results.js";
export type { ObservationChoice } from "./observation-options.js";
export { applyLinesDelta, ReplyHolds, type DeltaCounts, type Held } from "./observation-deltas.js";

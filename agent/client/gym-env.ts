/**
 * A Gymnasium-like wrapper over one remote session:
 * `reset({seed}) → [observation, info]`, `step(a) → [observation, reward, terminated, truncated, info]`.
 */
import type { Observation } from "../../gen/ts/dynamind/env/v1/types_pb.js";
import type { ActionInput } from "./actions.js";
import type { EnvClient, RemoteSession, SessionOptions, StateRef } from "./env-client.js";

export type StepTuple = [observation: Observation, reward: number, terminated: boolean, truncated: boolean, info: Record<string, unknown>];

export class Env {
  private constructor(readonly session: RemoteSession) {}

  static async make(client: EnvClient, envId: string, options: SessionOptions = {}): Promise<Env> {
    return new Env(await client.createSession(envId, options));
  }

  get spec() {
    return this.session.spec;
  }

  async reset(args: { seed?: number; options?: Record<string, unknown> } = {}): Promise<[Observation, Record<string, unknown>]> {
    const r = await this.session.reset(args.seed, args.options);
    return [r.observation, r.info];
  }

  async step(action: ActionInput): Promise<StepTuple> {
    const r = await this.session.step(action);
    return [r.observation, r.reward, r.terminated, r.truncated, r.info];
  }

  clone(portable = false): Promise<StateRef> {
    return this.session.clone(portable);
  }

  async restore(state: StateRef | Uint8Array): Promise<Observation> {
    return (await this.session.restore(state)).observation;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

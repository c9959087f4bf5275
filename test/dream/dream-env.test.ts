/**
 * The dream environment in-process: real starts, retrieval-grounded transitions, the reply
 * fallback, bounds, operator-only configuration, recordings as a buffer, and the endpoint
 * and checkpoint models (an HTTP server and a tiny TransformerLM made here).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, type Action, type EnvDefinition, type Environment, type Observation } from "../../adapters/contract.js";
import { createDreamDefinition, fillLive, LIVE_SEED_BASE } from "../../adapters/dream/definition.js";
import type { TransitionModel, TransitionRequest } from "../../adapters/dream/model.js";
import { corridorDefinition } from "../../adapters/example-corridor/definition.js";
import { OperatorResources, operatorConfigFrom, type OperatorConfig } from "../../adapters/operator-resources.js";
import { EnvRegistry } from "../../adapters/registry.js";
import { sokobanDefinition } from "../../adapters/sokoban/definition.js";

const text = (a: string): Action => ({ $case: "text", text: a });
const view = { text: true, image: false, uiElements: false };

function registry(): EnvRegistry {
  return new EnvRegistry().register("sokoban", async () => sokobanDefinition).register("example-corridor", async () => corridorDefinition);
}

async function dream(operator: OperatorConfig = {}, models?: Map<string, TransitionModel>): Promise<EnvDefinition> {
  return (await createDreamDefinition(new OperatorResources(operator), registry(), { models })) as EnvDefinition;
}

async function open(def: EnvDefinition, config: Record<string, unknown> = {}): Promise<Environment> {
  return def.create(def.parseConfig(config));
}

async function reasonOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    expect((err as Error).message.length).toBeLessThan(1100);
    return (err as EnvError).reason;
  }
  throw new Error("expected a refusal");
}

/** A model that answers from a script and keeps every request it was given. */
function scripted(answer: (r: TransitionRequest) => string | Promise<string>): TransitionModel & { requests: TransitionRequest[] } {
  const requests: TransitionRequest[] = [];
  return { kind: "endpoint", requests, generate: (r) => (requests.push(r), answer(r)) };
}

describe("dream: what is real and what is learned", () => {
  it("says it is learned in its spec, and wraps the base env's actions and tasks", async () => {
    const def = await dream();
    const spec = def.describe(def.parseConfig({ base: "sokoban", base_config: { preset: "6x6-1box" } }));
    expect(spec).toMatchObject({ id: "dream", learned: true, hasExpert: false, cloneSupport: "portable", observationKinds: ["text"] });
    expect(spec.action.discreteNames).toEqual(sokobanDefinition.describe(undefined).action.discreteNames);
    expect(spec.instructions).toContain("learned simulation of sokoban");
    expect(spec.tasks[0]!.config).toEqual({ base: "sokoban", base_config: sokobanDefinition.describe(undefined).tasks[0]!.config });
  });

  it("starts every episode from the real base env's start for the same seed", async () => {
    const def = await dream();
    const env = await open(def, { base: "sokoban", base_config: { preset: "6x6-1box" } });
    const real = sokobanDefinition.create(sokobanDefinition.parseConfig({ preset: "6x6-1box" }));
    for (const seed of [0, 7, 123456]) {
      await env.reset(seed, {});
      real.reset(seed, {});
      const [d, r] = [env.observe(view) as Observation, real.observe(view) as Observation];
      expect(d.text).toBe(r.text);
      expect(d.validActions).toEqual(r.validActions);
    }
  });

  it("nearest-neighbour copies the real next state where the buffer holds this state and action", async () => {
    const def = await dream({ dream: { live_episodes: 4 } });
    const env = await open(def, { base: "sokoban" });
    const live = fillLive(sokobanDefinition, sokobanDefinition.parseConfig({}), 4, 40);
    const first = live[0]!;
    await env.reset(LIVE_SEED_BASE, {});
    expect((env.observe(view) as Observation).text).toBe(first.state);
    const t = await env.step(text(first.action));
    expect((env.observe(view) as Observation).text).toBe(first.next);
    expect(t.info).toMatchObject({ learned: true, model: "nearest-neighbour" });
    expect((t.info!.neighbours as number[])[0]).toBe(0);
  });

  it("fills a live buffer in prepare, in slices, with the same transitions as inline", async () => {
    const sliced = await dream({ dream: { live_episodes: 6 } });
    const inline = await dream({ dream: { live_episodes: 6 } });
    const config = sliced.parseConfig({ base: "sokoban", model: "nearest-neighbour" });
    await Promise.all([sliced.prepare!(config), sliced.prepare!(config)]);
    const play = async (def: EnvDefinition) => {
      const env = def.create(def.parseConfig({ base: "sokoban" }));
      await env.reset(LIVE_SEED_BASE + 2, {});
      const out: unknown[] = [];
      for (const a of ["Up", "Left", "Down", "Right"]) {
        const t = await env.step(text(a));
        out.push(t, (env.observe(view) as Observation).text);
        if (t.terminated) break;
      }
      return out;
    };
    expect(await play(sliced)).toEqual(await play(inline));
  });

  it("is the same episode in two separately built definitions (two engines)", async () => {
    const play = async () => {
      const env = await open(await dream(), { base: "example-corridor", base_config: { length: 6 } });
      await env.reset(11, {});
      const out: unknown[] = [];
      for (const a of ["right", "right", "left", "right", "right", "right", "right"]) {
        const t = await env.step(text(a));
        out.push([t, env.observe({ ...view, fingerprint: true })]);
        if (t.terminated) break;
      }
      return out;
    };
    expect(await play()).toEqual(await play());
  });
});

describe("dream: model replies, failures and bounds", () => {
  it("applies the defined fallback to a malformed reply: the state stays, reward 0, info says why", async () => {
    const def = await dream({}, new Map([["garbage", scripted(() => "I think the box moves left.")]]));
    const env = await open(def, { model: "garbage" });
    await env.reset(3, {});
    const before = env.observe(view) as Observation;
    const t = await env.step(text("Up"));
    expect(t.reward).toBe(0);
    expect(t.terminated).toBe(false);
    expect(t.info!.malformed).toMatch(/no <next_state>/);
    expect((env.observe(view) as Observation).text).toBe(before.text);
  });

  it("ends the episode with reward 1 when the model judges the task complete", async () => {
    const def = await dream({}, new Map([["oracle", scripted(() => "<next_state>\n#####\n</next_state>\n<success>yes</success>")]]));
    const env = await open(def, { model: "oracle" });
    await env.reset(3, {});
    expect(await env.step(text("Up"))).toMatchObject({ reward: 1, terminated: true });
  });

  it("refuses a step whose model fails or runs past the deadline, changing nothing", async () => {
    const failing = scripted(() => Promise.reject(new Error("connection refused")));
    const silent = scripted(() => new Promise<string>(() => {}));
    const def = await dream({ dream: { timeout_ms: 100 } }, new Map<string, TransitionModel>([["failing", failing], ["silent", silent]]));
    for (const [model, reason] of [["failing", "DEVICE_UNAVAILABLE"], ["silent", "DEADLINE"]]) {
      const env = await open(def, { model });
      await env.reset(3, {});
      const before = env.cloneState();
      const fp = (env.observe({ ...view, fingerprint: true }) as Observation).fingerprint;
      expect(await reasonOf(() => env.step(text("Up")))).toBe(reason);
      expect(env.cloneState()).toBe(before);
      expect((env.observe({ ...view, fingerprint: true }) as Observation).fingerprint).toBe(fp);
    }
  });

  it("refuses actions outside the base env's set before asking the model", async () => {
    const model = scripted(() => "<next_state>x</next_state><success>no</success>");
    const env = await open(await dream({}, new Map([["m", model]])), { model: "m" });
    await env.reset(3, {});
    for (const a of [text("jump"), text("\u0000Up"), text(""), { $case: "index", index: 99 } as Action, { $case: "json", json: "{}" } as Action]) {
      expect(await reasonOf(() => env.step(a))).toBe("INVALID_ACTION");
    }
    expect(model.requests).toHaveLength(0);
    await env.step({ $case: "index", index: 1 });
    expect(model.requests[0]!.action).toBe("push up");
  });

  it("bounds what it asks: k neighbours, the last `history` steps, max tokens; seeds replay after restore", async () => {
    const model = scripted((r) => `<next_state>\nstate after ${r.action} #${r.seed}\n</next_state>\n<success>no</success>`);
    const env = await open(await dream({}, new Map([["m", model]])), { model: "m", k: 2, history: 2, max_tokens: 64, temperature: 0.7 });
    await env.reset(5, {});
    for (const a of ["Up", "Left", "Down"]) await env.step(text(a));
    const saved = env.cloneState();
    await env.step(text("Right"));
    env.restoreState(saved);
    await env.step(text("Right"));
    const [, , third, fourth, again] = model.requests;
    expect(fourth!.neighbours).toHaveLength(2);
    expect(fourth!.maxTokens).toBe(64);
    expect(fourth!.temperature).toBe(0.7);
    const prompt = fourth!.messages.map((m) => m.content).join("\n");
    expect(prompt).toContain("state after Left");
    expect(prompt).toContain("state after Down");
    expect(prompt).not.toContain("state after Up");
    expect(third!.seed).not.toBe(fourth!.seed);
    expect(again!.seed).toBe(fourth!.seed);
    expect(again!.messages).toEqual(fourth!.messages);
  });
});

describe("dream: the operator configures, clients choose by name", () => {
  it("refuses client configs naming paths, URLs, unknown names or knobs out of bounds", async () => {
    const def = await dream({ dream: { max_tokens: 256 } });
    const bad: Record<string, unknown>[] = [
      { model: "/etc/passwd" },
      { model: "http://evil.example/v1" },
      { buffer: "/var/recordings" },
      { buffer: "../live" },
      { endpoint: "http://evil.example/v1" },
      { checkpoint: "/tmp/ck" },
      { recordings: ["/etc"] },
      { base: "android-web" },
      { base: "dream" },
      { base_config: { levels: "/etc/passwd" } },
      { k: 100 },
      { history: -1 },
      { max_tokens: 100_000 },
      { temperature: 9 },
    ];
    for (const config of bad) expect(await reasonOf(() => def.parseConfig(config)), JSON.stringify(config)).toBe("INVALID_ARGUMENT");
    const schema = def.describe(undefined).configSchema as { properties: Record<string, { enum?: string[] }> };
    expect(schema.properties.model!.enum).toEqual(["nearest-neighbour"]);
    expect(schema.properties.buffer!.enum).toEqual(["live"]);
  });

  it("takes models and buffers from flags and the server config, never the reverse", () => {
    const c = operatorConfigFrom({ dreamEndpoint: ["qwen=Qwen2.5-7B@http://127.0.0.1:8000"], dreamCheckpoint: ["mine=runs/x/checkpoint"], dreamRecordings: ["rec=runs/a", "rec=runs/b"] });
    expect(c.dream!.models!.qwen).toEqual({ endpoint: "http://127.0.0.1:8000", model: "Qwen2.5-7B" });
    expect(c.dream!.models!.mine).toEqual({ checkpoint: path.resolve("runs/x/checkpoint") });
    expect(c.dream!.buffers!.rec!.recordings).toEqual([path.resolve("runs/a"), path.resolve("runs/b")]);
    expect(() => operatorConfigFrom({ dreamEndpoint: ["no-url"] })).toThrow(/NAME=MODEL@URL/);
    expect(() => new OperatorResources({ dream: { models: { "nearest-neighbour": { checkpoint: "x" } } } })).toThrow(/built in/);
  });
});

describe("dream: operator sources", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dynamind-dream-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a buffer from recordings, replaying restores so each step starts where it really did", async () => {
    const real = sokobanDefinition.create(sokobanDefinition.parseConfig({}));
    const result = (reward = 0, terminated = false) => {
      const o = real.observe(view) as Observation;
      return { observation: { text: o.text, uiElements: [], validActions: [...o.validActions], fingerprint: "" }, reward, terminated, truncated: false, info: {}, stepIndex: 0 };
    };
    real.reset(5, {});
    const s0 = result();
    real.step(text("Up"));
    const s1 = result(-0.1);
    real.reset(5, {});
    real.step(text("Left"));
    const s2 = result(-0.1);
    const lines = [
      { type: "header", format: "dynamind-recording", version: 1, env: "sokoban", config: {}, seed: 5, observationKinds: [], recorder: "client", startedAt: "2026-11-30T00:00:00Z" },
      { type: "reset", result: s0, ms: 1, at: 0 },
      { type: "step", action: "Up", result: s1, ms: 1, at: 1 },
      { type: "step", action: "jump", error: { reason: "INVALID_ACTION", message: "no" }, ms: 1, at: 2 },
      { type: "restore", to: 0, result: s0, ms: 1, at: 3 },
      { type: "step", action: 3, result: s2, ms: 1, at: 4 },
    ];
    writeFileSync(path.join(dir, "episode.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
    const def = await dream({ dream: { buffers: { rec: { recordings: [dir] } }, live_episodes: 0 } });
    const env = await open(def, { buffer: "rec", k: 2 });
    await env.reset(5, {});
    // Index 3 is "push left": the recording's index action, read by the base env's discrete names.
    const t = await env.step(text("push left"));
    expect(t.info!.neighbours).toEqual([1, 0]);
    expect((env.observe(view) as Observation).text).toBe(s2.observation.text);
    expect(await reasonOf(() => def.parseConfig({ buffer: "live" }))).toBe("INVALID_ARGUMENT");
    // The only buffer is the default, and describing the default never needs it to cover the config.
    expect((def.parseConfig({}) as { buffer: string }).buffer).toBe("rec");
    expect(def.describe(undefined).learned).toBe(true);
    await expect(dream({ dream: { live_episodes: 0 } })).rejects.toThrow(/no replay buffer/);
    expect(await reasonOf(() => def.parseConfig({ buffer: "rec", base_config: { preset: "8x8-2box" } }))).toBe("INVALID_ARGUMENT");
  });

  it("asks an OpenAI-compatible endpoint the operator named", async () => {
    const bodies: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => {
        bodies.push(JSON.parse(raw) as Record<string, unknown>);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "<next_state>\nthe endpoint's state\n</next_state>\n<success>no</success>" }, finish_reason: "stop" }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const def = await dream({ dream: { models: { ep: { endpoint: url, model: "tiny" } }, max_tokens: 128 } });
      const env = await open(def, { model: "ep" });
      await env.reset(1, {});
      await env.step(text("Down"));
      expect((env.observe(view) as Observation).text).toBe("the endpoint's state");
      expect(bodies[0]).toMatchObject({ model: "tiny", max_tokens: 128, temperature: 0 });
      expect(typeof bodies[0]!.seed).toBe("number");
      expect(JSON.stringify(bodies[0]!.messages)).toContain("Action: Down");
    } finally {
      server.close();
    }
  });

  it("generates with a dynamind checkpoint (a tiny untrained TransformerLM): bounded, deterministic, malformed replies fall back", async () => {
    const [{ selectBackend }, { saveCheckpoint }, { ByteTokenizer }, { TransformerLM }] = await Promise.all([
      import("../../agent/model/backend.js"),
      import("../../agent/model/checkpoint.js"),
      import("../../agent/model/tokenizer.js"),
      import("../../agent/model/transformer.js"),
    ]);
    await selectBackend({ prefer: "wasm" });
    // A byte-level prompt with the rules and three retrieved transitions runs to ~2,000 tokens.
    const model = new TransformerLM({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 3072, vocabSize: 263 }, { seed: 1 });
    const ck = path.join(dir, "tiny-checkpoint");
    await saveCheckpoint(ck, { model, tokenizer: new ByteTokenizer() });
    model.dispose();
    const short = new TransformerLM({ dModel: 16, nLayers: 1, nHeads: 2, dFF: 32, maxSeqLen: 64, vocabSize: 263 }, { seed: 1 });
    const shortCk = path.join(dir, "short-checkpoint");
    await saveCheckpoint(shortCk, { model: short, tokenizer: new ByteTokenizer() });
    short.dispose();
    // A prompt longer than the context is refused, never cut down to its end; the state stays.
    const refusing = await open(await dream({ dream: { models: { short: { checkpoint: shortCk } } } }), { model: "short", max_tokens: 16 });
    await refusing.reset(2, {});
    const before = refusing.observe(view) as Observation;
    await expect(Promise.resolve().then(() => refusing.step(text("Up")))).rejects.toMatchObject({ reason: "CAPACITY", message: expect.stringMatching(/more than the checkpoint's context of 64/) });
    expect(refusing.observe(view)).toEqual(before);
    const run = async () => {
      const def = await dream({ dream: { models: { tiny: { checkpoint: ck } } } });
      const env = await open(def, { model: "tiny", max_tokens: 16 });
      await env.reset(2, {});
      return [await env.step(text("Up")), await env.step(text("Left")), (env.observe({ ...view, fingerprint: true }) as Observation).fingerprint];
    };
    const first = await run();
    expect(await run()).toEqual(first);
    // 16 tokens of an untrained model are not the reply format: the fallback, not a crash.
    expect((first[0] as { info: Record<string, unknown> }).info.malformed).toBeTypeOf("string");
  }, 60_000);
});

/**
 * How faithful a learned environment (`dream`) is to the real one, measured over the
 * protocol: a dream session and a real session start from the same seed (dream's first
 * observation is the real one), take the same actions (a seeded random policy over the
 * real session's valid actions), and at every depth the dream's observation is compared
 * with the real one. The dream follows its own predictions (open loop), so depth 1 is
 * one-step fidelity from real start states and later depths show how errors compound.
 *
 * Per depth: exact match; accuracy on what changed (the Sim Score's rule, sim-score.ts:
 * changed cells of a grid, new lines of text, against the real state one step earlier);
 * whether the dream's episode end agrees with the real one. Beside each, the trivial
 * baseline: a simulator that never changes the start state.
 */
import type { EnvClient, RemoteSession, Step } from "../client/index.js";
import { scoreStep } from "../eval/sim-score.js";
import { SeededRandom } from "../resim/seeded-random.js";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { lineChartSvg, renderPng } from "./plot.js";
import { meanInterval, wilson, type Interval } from "./stats.js";

export interface FidelityConfig {
  /** The real environment and its session config; dream wraps it. */
  base: string;
  baseConfig: Record<string, unknown>;
  /** dream's transition model and replay buffer (names the operator registered). */
  model: string;
  buffer: string;
  /** dream's neighbours per step and steps of history (the session's defaults when absent). */
  k?: number;
  history?: number;
  /** Most tokens the model may generate per transition (the session default when absent). */
  maxTokens?: number;
  episodes: number;
  depth: number;
  /** First reset seed; episode i uses seedStart + i (keep them away from the buffer's seeds). */
  seedStart: number;
  /** Action-choice seed (episode i's actions come from seed + its reset seed). */
  seed: number;
  /** Episodes played at once, each lane with its own pair of sessions (default 1). */
  concurrency?: number;
}

export interface DepthRow {
  depth: number;
  /** Episodes that reached this depth in both environments. */
  n: number;
  exact: { rate: number; ci: Interval };
  copyExact: { rate: number; ci: Interval };
  changed: { mean: number; ci: Interval } | undefined;
  copyChanged: { mean: number; ci: Interval } | undefined;
  /** The dream ended the episode exactly when the real one did. */
  endAgrees: { rate: number; ci: Interval };
}

export interface FidelityResult {
  config: FidelityConfig;
  rows: DepthRow[];
  /** Steps the dream flagged as unusable model replies (info.malformed). */
  malformed: number;
  seconds: number;
}

interface Sample {
  exact: boolean;
  copyExact: boolean;
  changed: number;
  copyChanged: number;
  endAgrees: boolean;
}

const ended = (s: Step) => s.terminated || s.truncated;

export async function measureFidelity(client: EnvClient, cfg: FidelityConfig): Promise<FidelityResult> {
  const t0 = performance.now();
  const perDepth: Sample[][] = Array.from({ length: cfg.depth }, () => []);
  let malformed = 0;
  const dreamConfig = {
    base: cfg.base,
    base_config: cfg.baseConfig,
    model: cfg.model,
    buffer: cfg.buffer,
    ...(cfg.k !== undefined ? { k: cfg.k } : {}),
    ...(cfg.history !== undefined ? { history: cfg.history } : {}),
    ...(cfg.maxTokens !== undefined ? { max_tokens: cfg.maxTokens } : {}),
  };
  // Samples are kept per episode and merged in episode order, so the result does not depend on the lanes.
  const byEpisode: Sample[][] = Array.from({ length: cfg.episodes }, () => []);
  let next = 0;
  /** One lane: a real and a dream session playing episodes one after another. Lanes step concurrently, so a batching model serves them together. */
  const lane = async () => {
    const real = await client.createSession(cfg.base, { config: cfg.baseConfig });
    const dream = await client.createSession("dream", { config: dreamConfig });
    try {
      for (let e = next++; e < cfg.episodes; e = next++) {
        const seed = cfg.seedStart + e;
        // The episode's own action stream: the same actions whichever lane plays it.
        const rand = new SeededRandom(cfg.seed + seed);
        let r = await real.reset(seed);
        let d = await dream.reset(seed);
        if (d.observation.text !== r.observation.text) throw new Error(`dream's first observation differs from ${cfg.base}'s at seed ${seed}: its start is meant to be real`);
        const start = r.observation.text;
        for (let depth = 0; depth < cfg.depth && !ended(r) && !ended(d); depth++) {
          const actions = r.observation.validActions;
          if (actions.length === 0) break;
          const action = actions[rand.int(actions.length)]!;
          const prev = r.observation.text;
          r = await real.step(action);
          d = await dream.step(action);
          if (d.info.malformed !== undefined) malformed++;
          const score = scoreStep(prev, r.observation.text, d.observation.text);
          const copy = scoreStep(prev, r.observation.text, start);
          byEpisode[e]!.push({
            exact: score.exact,
            copyExact: copy.exact,
            changed: score.changed,
            copyChanged: copy.changed,
            endAgrees: ended(d) === ended(r),
          });
        }
      }
    } finally {
      await Promise.allSettled([real.close(), dream.close()]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(cfg.concurrency ?? 1, cfg.episodes)) }, lane));
  for (const samples of byEpisode) samples.forEach((s, depth) => perDepth[depth]!.push(s));
  const rows: DepthRow[] = [];
  perDepth.forEach((samples, i) => {
    const n = samples.length;
    if (n === 0) return;
    const count = (f: (s: Sample) => boolean) => samples.filter(f).length;
    rows.push({
      depth: i + 1,
      n,
      exact: { rate: count((s) => s.exact) / n, ci: wilson(count((s) => s.exact), n) },
      copyExact: { rate: count((s) => s.copyExact) / n, ci: wilson(count((s) => s.copyExact), n) },
      changed: meanInterval(samples.map((s) => s.changed)),
      copyChanged: meanInterval(samples.map((s) => s.copyChanged)),
      endAgrees: { rate: count((s) => s.endAgrees) / n, ci: wilson(count((s) => s.endAgrees), n) },
    });
  });
  return { config: cfg, rows, malformed, seconds: (performance.now() - t0) / 1000 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (i: Interval) => `[${(100 * i.low).toFixed(1)}, ${(100 * i.high).toFixed(1)}]`;
const unit = (x: number) => Math.max(0, Math.min(1, x)).toFixed(3);
// A mean of scores in [0, 1]: its t-interval is clipped to that range.
const mean = (m: { mean: number; ci: Interval } | undefined) => (m === undefined ? "—" : `${m.mean.toFixed(3)} [${unit(m.ci.low)}, ${unit(m.ci.high)}]`);

/** The result as a markdown section (one table per base environment). */
export function fidelityMarkdown(r: FidelityResult, command: string, plot?: string): string {
  const c = r.config;
  const lines = [
    `### ${c.base} (${JSON.stringify(c.baseConfig)}), model \`${c.model}\`, buffer \`${c.buffer}\`${c.k !== undefined ? `, k ${c.k}` : ""}${c.history !== undefined ? `, history ${c.history}` : ""}`,
    ...(plot ? ["", `![fidelity by depth, ${c.base}](${plot})`] : []),
    "",
    `${c.episodes} episodes (reset seeds ${c.seedStart}–${c.seedStart + c.episodes - 1}), up to ${c.depth} random actions each, ${r.seconds.toFixed(1)} s; ${r.malformed} unusable model replies. Command: \`${command}\``,
    "",
    "| depth | n | exact match | copy start: exact | changed accuracy | copy start: changed | episode end agrees |",
    "|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) =>
        `| ${x.depth} | ${x.n} | ${pct(x.exact.rate)} ${ci(x.exact.ci)} | ${pct(x.copyExact.rate)} ${ci(x.copyExact.ci)} | ${mean(x.changed)} | ${mean(x.copyChanged)} | ${pct(x.endAgrees.rate)} ${ci(x.endAgrees.ci)} |`,
    ),
    "",
  ];
  return lines.join("\n");
}

/**
 * Writes `<report>.md` (and one PNG per base, `<report>-fidelity-<base>.png`) into `docs`.
 * Plots need Chromium; without it the tables are written alone.
 */
export async function writeFidelityReport(results: readonly { result: FidelityResult; command: string }[], docs: string, plots = true, report = "dream"): Promise<string> {
  await mkdir(docs, { recursive: true });
  const sections: string[] = [];
  for (const { result, command } of results) {
    let plot: string | undefined;
    if (plots) {
      plot = `${report}-fidelity-${result.config.base}.png`;
      const at = (f: (x: DepthRow) => number) => result.rows.map((x) => ({ x: x.depth, y: f(x) }));
      const svg = lineChartSvg(`${result.config.base}: dream (${result.config.model}) against the real env, by depth`, "depth (random actions from a real start)", [
        { name: "exact match", points: at((x) => x.exact.rate) },
        { name: "copy start: exact", points: at((x) => x.copyExact.rate) },
        { name: "changed accuracy", points: at((x) => x.changed?.mean ?? 0) },
        { name: "copy start: changed", points: at((x) => x.copyChanged?.mean ?? 0) },
      ]);
      await renderPng(svg, join(docs, plot));
    }
    sections.push(fidelityMarkdown(result, command, plot));
  }
  const text = [
    "# The dream env: how faithful is a learned environment?",
    "",
    "`dream` (adapters/dream/) serves a base environment's tasks with learned dynamics: the first observation of an",
    "episode is real, every later one comes from a transition model grounded by the most similar real transitions of a",
    "replay buffer. Here a dream session and a real session start from the same held-out seed and take the same random",
    "actions (chosen from the real session's valid actions); the dream follows its own predictions (open loop), so depth 1",
    "is one-step fidelity from real start states and later depths show how errors compound. Columns:",
    "",
    "- **exact match**: the dream's observation equals the real one; **copy start**: the same for a simulator that never",
    "  changes the start state (the trivial baseline).",
    "- **changed accuracy**: the Sim Score's rule (agent/eval/sim-score.ts) against the real state one step earlier — the",
    "  fraction of changed grid cells the dream has right, or the F1 of the new lines of a text; a step that changes",
    "  nothing scores 1 only for an exact match. Means with 95% t-intervals; rates with Wilson intervals.",
    "- **episode end agrees**: the dream ended the episode exactly when the real env did.",
    "- `n` falls with depth because an episode stops when either env ends it.",
    "",
    "Sim-to-real (a policy trained in `dream`, then evaluated in the real env) is measured by `dynamind experiment sim-to-real`: [sim-to-real.md](sim-to-real.md).",
    "",
    `Generated ${new Date().toISOString()}.`,
    "",
    ...sections,
  ].join("\n");
  const file = join(docs, `${report}.md`);
  await writeFile(file, text);
  return file;
}

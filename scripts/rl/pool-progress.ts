/**
 * Did training raise success on the tasks it trained on? For a run made with
 * `dynamind train --task-pool N`, reads its metrics.jsonl and reports the sampled
 * success of each pass over the pool (every task seed played as often), with Wilson 95%
 * intervals, and the first pass against the last. The rollouts are sampled at the run's
 * temperature, so this is the training policy's success, not a greedy evaluation's.
 * Runs whose metrics carry per-group figures also get each seed's successes per pass.
 *
 *   node --import tsx scripts/rl/pool-progress.ts <run dir or metrics.jsonl>
 */
import { wilson } from "../../agent/experiment/stats.js";
import { readIterations } from "./iterations.js";

const { file, its } = readIterations(process.argv[2], "pool-progress.ts");

const pool = new Set(its.flatMap((m) => m.seeds));
// With a pool that is not a multiple of the groups per iteration, a pass would play some seeds twice.
if (pool.size % its[0]!.seeds.length !== 0) throw new Error(`a pool of ${pool.size} seeds is not a multiple of ${its[0]!.seeds.length} groups per iteration: passes would be uneven`);
const perGroup = its[0]!.episodes / its[0]!.seeds.length;
// A pass ends when every pool seed has been played once more; episodes per iteration are equal.
type Pass = { iterations: number[]; successes: number; episodes: number; bySeed: Map<number, { successes: number; episodes: number }> };
const passes: Pass[] = [];
const fresh = (): Pass => ({ iterations: [], successes: 0, episodes: 0, bySeed: new Map() });
let played = new Set<number>();
let current = fresh();
for (const m of its) {
  current.iterations.push(m.iteration);
  current.successes += Math.round(m.success * m.episodes);
  current.episodes += m.episodes;
  // Metrics written before per-group figures existed lack `groups`.
  for (const g of m.groups ?? []) {
    const s = current.bySeed.get(g.seed) ?? { successes: 0, episodes: 0 };
    current.bySeed.set(g.seed, { successes: s.successes + g.successes, episodes: s.episodes + g.episodes });
  }
  for (const s of m.seeds) played.add(s);
  if (played.size === pool.size) {
    passes.push(current);
    current = fresh();
    played = new Set();
  }
}
const row = (p: (typeof passes)[number]) => {
  const ci = wilson(p.successes, p.episodes);
  return { iterations: `${p.iterations[0]}–${p.iterations.at(-1)}`, success: +(p.successes / p.episodes).toFixed(3), ci: [+ci.low.toFixed(3), +ci.high.toFixed(3)], episodes: p.episodes };
};
console.log(
  JSON.stringify(
    {
      metrics: file,
      poolSeeds: [...pool].sort((a, b) => a - b),
      episodesPerGroup: perGroup,
      passes: passes.map(row),
      firstPass: passes.length ? row(passes[0]!) : null,
      lastPass: passes.length > 1 ? row(passes.at(-1)!) : null,
      unfinishedPass: current.episodes > 0 ? row(current) : null,
      // "successes/episodes" of each seed in each pass (the unfinished one last), when the metrics have them.
      bySeed: its.some((m) => m.groups)
        ? Object.fromEntries(
            [...pool]
              .sort((a, b) => a - b)
              .map((seed) => [seed, [...passes, ...(current.episodes > 0 ? [current] : [])].map((p) => { const s = p.bySeed.get(seed); return s ? `${s.successes}/${s.episodes}` : "-"; })]),
          )
        : null,
    },
    null,
    1,
  ),
);

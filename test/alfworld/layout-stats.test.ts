/**
 * Generated scenes have the real layouts' statistics: per floor plan, the receptacle
 * instances ALFWorld's layouts list (counted per type), the receptacles that share an
 * interaction pose sharing one location, and the scenery objects the plan has. Checked
 * against ../shared/reference/alfworld/layouts when present (skipped with a message when
 * not), and against the committed tables always.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCENE_TABLES } from "../../adapters/alfworld/data/scene-tables.js";
import { generateScene, splitFloorPlans } from "../../adapters/alfworld/generate.js";
import type { Scene } from "../../adapters/alfworld/scene.js";
import { HAVE_REF, REF_DIR } from "./helpers.js";

const plans = [...splitFloorPlans("train"), ...splitFloorPlans("eval_out_of_distribution")].sort((a, b) => a - b);
const sceneOf = (plan: number, seed = 1): Scene =>
  generateScene(seed, { split: [10, 219, 308, 424].includes(plan) ? "eval_out_of_distribution" : "train", taskType: undefined, grammar: "classic", floorPlan: plan });

/** Sizes of the groups of receptacles at one location, with their types, sorted: "drawer+drawer". */
const sharedSignature = (s: Scene): string[] =>
  s.recsAtLoc
    .filter((rs) => rs.length > 1)
    .map((rs) => rs.map((r) => s.recs[r]!.type).sort().join("+"))
    .sort();

describe("generated alfworld scenes follow the floor plans' layouts", () => {
  it("place every receptacle instance, share locations and add scenery as the committed tables say (all 120 plans)", () => {
    let recs = 0;
    let shared = 0;
    for (const plan of plans) {
      const fp = SCENE_TABLES.floorPlans[String(plan)]!;
      for (const seed of [1, 2]) {
        const s = sceneOf(plan, seed);
        const counts: Record<string, number> = {};
        for (const r of s.recs) counts[r.type] = (counts[r.type] ?? 0) + 1;
        expect(counts, `plan ${plan}`).toEqual(Object.fromEntries(Object.entries(fp.receptacles).map(([t, n]) => [t.toLowerCase(), n])));
        const groups = fp.shared.map((g) => g.map((n) => n.replace(/ \d+$/, "")).sort().join("+")).sort();
        expect(sharedSignature(s), `plan ${plan}`).toEqual(groups);
        for (const g of fp.shared) expect(new Set(g.map((n) => s.recs.find((r) => r.name === n)!.loc)).size, `plan ${plan}`).toBe(1);
        for (const t of fp.scenery) {
          const o = s.objs.find((x) => x.type === t.toLowerCase());
          if (o && seed === 1) expect(o.props, `${t} is scenery, never pickupable`).toBe(0);
        }
        if (seed === 1) {
          recs += s.recs.length;
          shared += s.recsAtLoc.filter((rs) => rs.length > 1).length;
        }
      }
    }
    console.log(`generated: ${plans.length} floor plans, ${recs} receptacles, ${shared} shared locations`);
  });

  it.skipIf(!HAVE_REF)("match the reference layouts' instance counts and shared poses", () => {
    let matching = 0;
    for (const plan of plans) {
      const file = join(REF_DIR, "layouts", `FloorPlan${plan}-openable.json`);
      if (!existsSync(file)) continue;
      const inst = JSON.parse(readFileSync(file, "utf8")) as Record<string, number[]>;
      const typeOf = (id: string) => (id.split("|").length > 4 ? id.split("|")[4]! : id.split("|")[0]!).toLowerCase();
      const s = sceneOf(plan);
      const recTypes = new Set(s.recs.map((r) => r.type));
      const want: Record<string, number> = {};
      const poses = new Map<string, string[]>();
      for (const [id, pose] of Object.entries(inst)) {
        const t = typeOf(id);
        if (!recTypes.has(t)) continue; // movable receptacles (bowl, pot...) are objects in the text games
        want[t] = (want[t] ?? 0) + 1;
        poses.set(JSON.stringify(pose), [...(poses.get(JSON.stringify(pose)) ?? []), t]);
      }
      const have: Record<string, number> = {};
      for (const r of s.recs) if (want[r.type] !== undefined) have[r.type] = (have[r.type] ?? 0) + 1;
      expect(have, `plan ${plan}`).toEqual(want);
      const groups = [...poses.values()].filter((g) => g.length > 1).map((g) => g.sort().join("+")).sort();
      expect(sharedSignature(s), `plan ${plan}`).toEqual(groups);
      matching++;
    }
    expect(matching).toBe(120);
  });
  if (!HAVE_REF) it("(reference layouts absent: comparison with them skipped)", () => console.warn(`no ALFWorld reference under ${REF_DIR}`));
});

import { describe, expect, it } from "vitest";
import { SCENE_TABLES } from "../../adapters/alfworld/data/scene-tables.js";
import { deriveTables } from "../../scripts/alfworld/derive-tables.js";
import { HAVE_REF, REF_DIR } from "./helpers.js";

describe("alfworld scene tables", () => {
  it.skipIf(!HAVE_REF)("match a fresh derivation from the reference layouts", () => {
    expect(deriveTables(REF_DIR)).toEqual(SCENE_TABLES);
  });
  if (!HAVE_REF) it("(reference data absent: derivation check skipped)", () => console.warn(`no ALFWorld reference under ${REF_DIR}`));

  it("cover 120 floor plans, with train/test splits disjoint", () => {
    expect(Object.keys(SCENE_TABLES.floorPlans)).toHaveLength(120);
    const train = new Set(SCENE_TABLES.trainFloorPlans);
    expect(SCENE_TABLES.testFloorPlans.some((n) => train.has(n))).toBe(false);
  });
});

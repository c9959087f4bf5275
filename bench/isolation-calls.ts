/**
 * The worst calls one client may make, as the isolation bench sends them: every
 * Sokoban generation cap at its maximum, the largest solver budget, the largest
 * Expands the action and reply budgets allow (ALFWorld's longest work; Sokoban's
 * largest reply), and the review's 4096 × 64 ALFWorld Expand (refused by count).
 */
export interface HeavyCall {
  description: string;
  envId: string;
  config: Record<string, unknown>;
  /** Reset before the calls (ExpertPlan and Expand need a started episode). */
  resetSeed: number | undefined;
  rpc: string;
  request(sessionId: string): Record<string, unknown>;
  /** A different request for the i-th call (new seeds), when repeats would be cached. */
  vary?(request: Record<string, unknown>, i: number): Record<string, unknown>;
}

const expandOf = (sessionId: string, sequences: number, depth: number, action: (i: number) => object, leafOnly: boolean) => ({
  sessionId,
  sequences: Array.from({ length: sequences }, () => ({ actions: Array.from({ length: depth }, (_, j) => ({ kind: action(j) })) })),
  options: { returnLeafStates: false, leafObservationsOnly: leafOnly },
});
const LOOK = () => ({ $case: "text", text: "look" });

export const HEAVY_CALLS = {
  sokobanWorstReset: {
    description:
      "Sokoban Reset, config {dim_room:[64,64], num_boxes:20, num_gen_steps:100000, min_solution_length:1000, solver_node_budget:2000000} (every cap at its maximum), a new seed each call",
    envId: "sokoban",
    config: { dim_room: [64, 64], num_boxes: 20, num_gen_steps: 100_000, min_solution_length: 1000, solver_node_budget: 2_000_000 },
    resetSeed: undefined,
    rpc: "reset",
    request: (sessionId) => ({ sessionId, seed: 1, optionsJson: "" }),
    vary: (request, i) => ({ ...request, seed: 1 + i }),
  },
  sokobanWorstExpertPlan: {
    description: "Sokoban ExpertPlan on a 64x64 4-box room (seed 1) with solver_node_budget 2000000 (the maximum)",
    envId: "sokoban",
    config: { dim_room: [64, 64], num_boxes: 4, solver_node_budget: 2_000_000, report_optimal: false },
    resetSeed: 1,
    rpc: "expertPlan",
    request: (sessionId) => ({ sessionId }),
  },
  alfworldLargestExpand: {
    description:
      'ALFWorld Expand, 2048 sequences x 16 "look" (32768 nodes, the action cap; 2048 leaves of ~1.1 KB fit the 4 MiB reply budget), leaf observations only',
    envId: "alfworld",
    config: {},
    resetSeed: 3,
    rpc: "expand",
    request: (sessionId) => expandOf(sessionId, 2048, 16, LOOK, true),
  },
  sokobanLargestReplyExpand: {
    description: "Sokoban 6x6 Expand, 2048 sequences x 10 moves with every observation (20480 nodes, a ~3.9 MB reply: just under the 4 MiB budget)",
    envId: "sokoban",
    config: { report_optimal: false },
    resetSeed: 1,
    rpc: "expand",
    request: (sessionId) => expandOf(sessionId, 2048, 10, (j) => ({ $case: "index", index: 5 + (j % 4) }), false),
  },
  alfworldReviewedExpandRefused: {
    description: 'ALFWorld Expand, 4096 sequences x 64 "look" (the review\'s 262144 nodes, ~2 MB in): refused with CAPACITY by the count check before decoding',
    envId: "alfworld",
    config: {},
    resetSeed: 3,
    rpc: "expand",
    request: (sessionId) => expandOf(sessionId, 4096, 64, LOOK, true),
  },
} satisfies Record<string, HeavyCall>;

export type HeavyKind = keyof typeof HEAVY_CALLS;

/**
 * ExpertPlan: the environment's expert from the session's state or a saved one.
 * It runs on the scratch instance, so the session's own episode is never touched.
 */
import { EnvError } from "../../adapters/contract.js";
import type { ExpertPlanRequest, ExpertPlanResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import type { EngineCore } from "./engine-core.js";
import { andThen, type MaybePromise } from "./maybe-promise.js";
import { heldSnapshot } from "./saved-states.js";

export function expertPlan(core: EngineCore, req: ExpertPlanRequest, deadline = Infinity): MaybePromise<ExpertPlanResponse> {
  const session = core.sessions.get(req.sessionId);
  if (!session.template.spec.hasExpert) throw new EnvError("UNSUPPORTED", `${session.envId} has no expert`);
  const start = req.fromHandleId !== undefined ? heldSnapshot(core, session, req.fromHandleId) : undefined;
  if (start === undefined && session.episode.phase !== "running") return { actions: [], reachesGoal: false };
  return session.exclusive(() =>
    andThen(start ?? session.episode.snapshot(), (snapshot) => {
      if (snapshot.phase !== "running") return { actions: [], reachesGoal: false };
      const scratch = session.scratch();
      return andThen(scratch.restore(snapshot), () =>
        andThen(scratch.env.expertPlan!({ deadline }), (plan) => ({
          actions: (plan?.actions ?? []).map((kind) => ({ kind })),
          reachesGoal: plan?.reachesGoal ?? false,
        })),
      );
    }),
  );
}

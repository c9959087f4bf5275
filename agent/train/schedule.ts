/** Learning-rate schedule: linear warm-up to `peak`, then cosine decay to `min` at `totalSteps`. */
export interface LrSchedule {
  peak: number;
  min: number;
  warmupSteps: number;
  totalSteps: number;
}

/** Learning rate for the update with 0-based index `step`. */
export function learningRate(step: number, s: LrSchedule): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.peak * (step + 1)) / s.warmupSteps;
  const decaySteps = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / decaySteps));
  return s.min + 0.5 * (s.peak - s.min) * (1 + Math.cos(Math.PI * progress));
}

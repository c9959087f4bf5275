/**
 * The naming rules `promtool check metrics` enforces (Prometheus 2.x `promlint`), plus this
 * project's own: no prefix written twice (e.g. `dynamind_process_process_cpu_seconds_total`).
 * Used where promtool is not installed, and beside it where it is.
 */

/** Units promlint calls non-base, with the base unit it asks for. */
const NON_BASE_UNITS: Record<string, string> = {
  milliseconds: "seconds", microseconds: "seconds", nanoseconds: "seconds", minutes: "seconds", hours: "seconds", days: "seconds",
  kilobytes: "bytes", megabytes: "bytes", gigabytes: "bytes", bits: "bytes", percent: "ratio",
};

export interface MetricFamily {
  name: string;
  type: string;
  help: string | undefined;
}

/** The metric families of a text exposition, from its `# TYPE` and `# HELP` lines. */
export function families(exposition: string): MetricFamily[] {
  const help = new Map<string, string>();
  const out: MetricFamily[] = [];
  for (const line of exposition.split("\n")) {
    const h = /^# HELP (\S+) ?(.*)$/.exec(line);
    if (h) help.set(h[1]!, h[2]!);
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) out.push({ name: t[1]!, type: t[2]!, help: undefined });
  }
  for (const f of out) f.help = help.get(f.name);
  return out;
}

/** One line per problem, in promtool's words where promtool has a rule; empty when the exposition is clean. */
export function lintMetrics(exposition: string): string[] {
  const problems: string[] = [];
  for (const { name, type, help } of families(exposition)) {
    if (!help) problems.push(`${name} no help text`);
    if (type === "counter" && !name.endsWith("_total")) problems.push(`${name} counter metrics should have "_total" suffix`);
    if (type !== "counter" && name.endsWith("_total")) problems.push(`${name} non-counter metrics should not have "_total" suffix`);
    if (/[A-Z]/.test(name)) problems.push(`${name} metric names should be written in 'snake_case' not 'camelCase'`);
    if ((type === "histogram" || type === "summary") && /_(bucket|count|sum)$/.test(name)) problems.push(`${name} reserved suffix on a ${type}`);
    const parts = name.split("_");
    for (const part of parts) {
      const base = NON_BASE_UNITS[part];
      if (base !== undefined) problems.push(`${name} use base unit "${base}" instead of "${part}"`);
    }
    for (let i = 1; i < parts.length; i++) if (parts[i] === parts[i - 1]) problems.push(`${name} repeats "${parts[i]}" (a prefix applied twice)`);
  }
  return problems;
}

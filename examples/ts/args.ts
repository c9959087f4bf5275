/** `--name value` flags for the examples, with defaults; no dependency beyond Node. */
export function flags<T extends Record<string, string>>(defaults: T): T {
  const out: Record<string, string> = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)$/.exec(argv[i]!);
    if (!m || !(m[1]! in defaults) || i + 1 >= argv.length) throw new Error(`unknown or incomplete flag "${argv[i]}"; flags: ${Object.keys(defaults).map((k) => `--${k}`).join(" ")}`);
    out[m[1]!] = argv[++i]!;
  }
  return out as T;
}

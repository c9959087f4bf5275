/**
 * Play an episode in the terminal, over the real protocol: an embedded server
 * is started unless --address points at one. Undo is a RestoreState of the state
 * cloned before each move, so playing exercises clone/restore too.
 *
 * In a terminal, environments with Up/Down/Left/Right actions take arrow keys
 * (or WASD); others take typed commands with tab completion. With piped input,
 * every line is one action (or a :command), so a game can be scripted. Environments
 * with JSON actions (android-web) also take `tap N`, a click on UI element [N].
 */
import * as readline from "node:readline";
import { styleText } from "node:util";
import { Command } from "commander";
import type { RemoteSession, StateRef, Step } from "../../agent/client/index.js";
import { connect } from "../connect.js";
import { addOperatorOptions } from "../operator-options.js";
import { int, jsonObject } from "../options.js";
import { renderObservation, sokobanLegend, wrapText } from "../render.js";

const ARROWS: Record<string, string> = { up: "Up", down: "Down", left: "Left", right: "Right", w: "Up", s: "Down", a: "Left", d: "Right" };
const HELP = ":undo (u)  :restart (r)  :new (n)  :quit (q)";
const TAP_HELP = "tap N: click UI element [N]";

/** `tap 3` / `t 3` → AndroidWorld's click on element 3, as JSON text; anything else unchanged. */
export function expandShorthand(input: string): string {
  const m = /^t(?:ap)?\s+(\d+)$/i.exec(input);
  return m ? JSON.stringify({ action_type: "click", index: Number(m[1]) }) : input;
}

export function playCommand(): Command {
  return addOperatorOptions(new Command("play"))
    .description("Play an episode of an environment in the terminal.")
    .argument("<env>", "environment id, e.g. sokoban")
    .option("-a, --address <host:port>", "play on a running server instead of an embedded one")
    .option("--seed <n>", "episode seed (default: random)", int)
    .option("--config <json>", "session config as a JSON object", jsonObject)
    .option("--preset <name>", "shorthand for --config '{\"preset\":\"<name>\"}'")
    .option("--no-color", "plain text")
    .option("--record <dir>", "write every episode played to DIR as JSONL, frames as PNG (see `dynamind replay`, `dynamind view`)")
    .action(async (envId: string, opts) => {
      // A closed pipe (`| head`) ends the game quietly.
      process.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") process.exit(0);
        throw err;
      });
      const { client, close } = await connect(opts.address, opts);
      const config = { ...(opts.config ?? {}), ...(opts.preset ? { preset: opts.preset } : {}) };
      try {
        const session = await client.createSession(envId, { config });
        await new Game(session, opts.seed ?? Math.floor(Math.random() * 1e9), opts.color && process.stdout.isTTY).run();
      } finally {
        await close();
      }
    });
}

class Game {
  /** Saved states before each move, with the return at that point. */
  private readonly undo: { state: StateRef; total: number }[] = [];
  private current!: Step;
  /** The episode's goal, when the environment states one in its reset info (e.g. ALFWorld's task). */
  private goal = "";
  private total = 0;
  private message = "";

  constructor(
    private readonly session: RemoteSession,
    private seed: number,
    private readonly color: boolean,
  ) {}

  async run(): Promise<void> {
    this.current = await this.session.reset(this.seed);
    this.goal = typeof this.current.info.task === "string" ? this.current.info.task : "";
    this.total = 0;
    this.draw();
    const directional = ["Up", "Down", "Left", "Right"].every((a) => this.current.observation.validActions.includes(a));
    if (process.stdin.isTTY && directional) await this.keys();
    else await this.lines();
    await this.session.close();
  }

  /** Applies one input; returns false to quit. */
  private async apply(input: string): Promise<boolean> {
    const cmd = input.trim();
    if (cmd === "") return true;
    this.message = "";
    if (cmd === ":quit" || cmd === ":q") return false;
    if (cmd === ":undo" || cmd === ":u") {
      const entry = this.undo.pop();
      if (entry) {
        this.current = await this.session.restore(entry.state);
        this.total = entry.total;
        await this.session.client.release([entry.state]);
        this.message = "undone";
      } else this.message = "nothing to undo";
    } else if (cmd === ":restart" || cmd === ":r" || cmd === ":new" || cmd === ":n") {
      if (cmd.startsWith(":n")) this.seed = Math.floor(Math.random() * 1e9);
      await this.session.client.release(this.undo.splice(0).map((e) => e.state));
      this.current = await this.session.reset(this.seed);
      this.goal = typeof this.current.info.task === "string" ? this.current.info.task : "";
      this.total = 0;
    } else if (this.current.terminated || this.current.truncated) {
      this.message = "the episode is over: :restart, :new or :quit";
    } else {
      const action = this.jsonActions ? expandShorthand(cmd) : cmd;
      // A text game (ALFWorld) answers a command off its list with "Nothing happens." and a used turn, as
      // the original does; say why, since the command itself was not refused.
      const valid = this.current.observation.validActions;
      const offList = !this.jsonActions && !/^\d+$/.test(action) && valid.length > 0 && !valid.includes(action);
      const before = await this.session.clone();
      try {
        this.current = await this.session.step(/^\d+$/.test(action) ? Number(action) : action);
        this.undo.push({ state: before, total: this.total });
        this.total += this.current.reward;
        if (offList && this.current.observation.text.startsWith("Nothing happens.")) this.message = `"${action}" is not an admissible command here (the list below): nothing happened, and the turn counts (:undo takes it back)`;
      } catch (err) {
        await this.session.client.release([before]);
        this.message = (err as Error).message;
      }
    }
    this.draw();
    return true;
  }

  /** Whether actions are JSON text (android-web): `tap N` works, and the action list is grouped by action type. */
  private get jsonActions(): boolean {
    const valid = this.current.observation.validActions;
    return valid.length > 0 && valid.every((a) => a.startsWith("{"));
  }

  private draw(): void {
    const s = this.current;
    const tty = process.stdout.isTTY;
    const width = Math.max(40, process.stdout.columns ?? 100);
    const wrap = (text: string) => wrapText(text, width);
    const lines: string[] = [];
    lines.push(`${this.session.spec.id} · seed ${this.seed} · step ${s.stepIndex}/${this.session.spec.maxSteps || "∞"} · return ${this.total.toFixed(1)}`);
    if (this.goal && s.stepIndex > 0) lines.push(this.paint("cyan", wrap(`Task: ${this.goal}`)));
    lines.push("", wrap(renderObservation(this.session.spec.id, s.observation.text, this.color)), "");
    if (this.session.spec.id === "sokoban") lines.push(this.paint("dim", wrap(`legend: ${sokobanLegend(this.color)}`)), "");
    if (s.terminated) lines.push(this.paint("green", `Done! ${s.info.boxes_on_target !== undefined ? "All boxes are on their targets." : "Task complete."}`));
    else if (s.truncated) lines.push(this.paint("yellow", "Out of steps."));
    else if (s.observation.validActions.length > 0) {
      for (const line of groupActions(s.observation.validActions)) lines.push(this.paint("dim", wrap(line)));
    }
    if (this.message) lines.push(this.paint("red", wrap(this.message)));
    lines.push(this.paint("dim", this.jsonActions ? `${HELP}  ${TAP_HELP}` : HELP));
    if (tty) process.stdout.write("\x1b[2J\x1b[H");
    process.stdout.write(lines.join("\n") + "\n");
  }

  private paint(style: Parameters<typeof styleText>[0], text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  private async keys(): Promise<void> {
    readline.emitKeypressEvents(process.stdin);
    process.stdin.setRawMode(true);
    try {
      for await (const key of keypresses()) {
        if (key.ctrl && key.name === "c") return;
        const name = key.name ?? key.sequence ?? "";
        const action = ARROWS[name];
        const meta = { u: ":undo", r: ":restart", n: ":new", q: ":quit", escape: ":quit" }[name];
        if (!(await this.apply(action ?? meta ?? ""))) return;
      }
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
    }
  }

  private async lines(): Promise<void> {
    const rl = readline.createInterface({
      input: process.stdin,
      output: process.stdin.isTTY ? process.stdout : undefined,
      completer: (line: string) => {
        const all = [...this.current.observation.validActions, ...(this.jsonActions ? ["tap "] : []), ":undo", ":restart", ":new", ":quit"];
        const hits = all.filter((a) => a.startsWith(line));
        return [hits.length ? hits : all, line];
      },
    });
    try {
      if (process.stdin.isTTY) rl.setPrompt("> ");
      rl.prompt();
      for await (const line of rl) {
        if (!(await this.apply(line))) return;
        rl.prompt();
      }
    } finally {
      rl.close();
    }
  }
}

async function* keypresses(): AsyncGenerator<{ name?: string; sequence?: string; ctrl?: boolean }> {
  const queue: { name?: string; sequence?: string; ctrl?: boolean }[] = [];
  let wake: (() => void) | undefined;
  const onKey = (_: string, key: { name?: string; sequence?: string; ctrl?: boolean }) => {
    queue.push(key ?? {});
    wake?.();
  };
  process.stdin.on("keypress", onKey);
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      yield queue.shift()!;
    }
  } finally {
    process.stdin.off("keypress", onKey);
  }
}

/**
 * Valid actions grouped by verb, one line each ("go to: cabinet 1, fridge 1"), so a
 * text game's 30-odd commands stay readable; short lists stay on one line. JSON actions
 * (android-web) are grouped by action_type and never split inside their JSON.
 */
export function groupActions(actions: readonly string[]): string[] {
  if (actions.length > 0 && actions.every((a) => a.startsWith("{"))) return groupJsonActions(actions);
  if (actions.length <= 8) return [`actions: ${actions.join(" | ")}`];
  const groups = new Map<string, string[]>();
  for (const a of actions) {
    const words = a.split(" ");
    const verbWords = words[0] === "go" && words[1] === "to" ? 2 : 1;
    const verb = words.slice(0, verbWords).join(" ");
    const rest = words.slice(verbWords).join(" ");
    const list = groups.get(verb) ?? [];
    list.push(rest);
    groups.set(verb, list);
  }
  return [...groups].map(([verb, rest]) => (rest.every((r) => r === "") ? verb : `${verb}: ${rest.join(", ")}`));
}

/**
 * JSON actions by action_type: the bare ones on one line ("also: navigate_back, wait"), the others one
 * line per type with what varies ("click at x,y: 153,312  411,312"), and any other JSON whole.
 */
function groupJsonActions(actions: readonly string[]): string[] {
  const bare: string[] = [];
  const byType = new Map<string, string[]>();
  const whole: string[] = [];
  for (const a of actions) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(a);
    } catch {
      whole.push(a);
      continue;
    }
    const { action_type: type, ...rest } = (parsed ?? {}) as Record<string, unknown>;
    if (typeof type !== "string") {
      whole.push(a);
      continue;
    }
    const keys = Object.keys(rest);
    if (keys.length === 0) {
      bare.push(type);
      continue;
    }
    const label = keys.join(",") === "x,y" ? `${type} at x,y` : `${type} (${keys.join(", ")})`;
    const value = keys.join(",") === "x,y" ? `${String(rest.x)},${String(rest.y)}` : keys.map((k) => JSON.stringify(rest[k])).join(" ");
    const list = byType.get(label) ?? [];
    list.push(value);
    byType.set(label, list);
  }
  const lines = [...byType].map(([label, values]) => `${label}: ${values.join("  ")}`);
  if (bare.length > 0) lines.push(`${lines.length > 0 ? "also" : "actions"}: ${bare.join(", ")}`);
  return [...lines, ...whole];
}

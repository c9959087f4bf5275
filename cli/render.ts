/** Terminal presentation of observations: colour where it helps a person read the state. */
import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

const SOKOBAN: Record<string, [string, Style]> = {
  "#": ["██", "gray"],
  _: [" ·", "dim"],
  O: [" ○", "red"],
  X: [" ▣", "yellow"],
  "√": [" ▣", "green"],
  P: [" ☺", ["cyan", "bold"]],
  S: [" ☻", ["cyan", "bold"]],
};

/** Renders an observation text for the terminal; `color` false gives the raw text. */
export function renderObservation(envId: string, text: string, color: boolean): string {
  if (!color || envId !== "sokoban") return text;
  return text
    .split("\n")
    .map((row) => [...row].map((ch) => (SOKOBAN[ch] ? styleText(SOKOBAN[ch][1], SOKOBAN[ch][0]) : ch)).join(""))
    .join("\n");
}

/** What each Sokoban glyph means, as drawn (colour) or as the raw RAGEN text (no colour). */
export function sokobanLegend(color: boolean): string {
  const entries: [string, string][] = [
    ["P", "you"], ["X", "box"], ["O", "target"], ["√", "box on a target"], ["S", "you on a target"], ["#", "wall"], ["_", "floor"],
  ];
  return entries.map(([ch, what]) => `${color ? styleText(SOKOBAN[ch]![1], SOKOBAN[ch]![0].trim()) : ch} ${what}`).join("  ");
}

/**
 * Wraps each line of `text` to `width` columns at spaces, continuing with the line's own indentation;
 * a word longer than a line is cut. Lines that fit (e.g. a Sokoban grid) are left as they are.
 */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if ([...line].length <= width) {
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0].slice(0, Math.floor(width / 2));
    let current = "";
    for (const word of line.trim().split(/ +/)) {
      let w = word;
      const room = () => width - [...(current ? `${current} ` : indent)].length;
      if (current && [...w].length > room()) {
        out.push(current);
        current = "";
      }
      while ([...w].length > width - indent.length) {
        const head = current ? `${current} ` : indent;
        const cut = width - [...head].length;
        out.push(head + [...w].slice(0, cut).join(""));
        w = [...w].slice(cut).join("");
        current = "";
      }
      current = current ? `${current} ${w}` : indent + w;
    }
    if (current) out.push(current);
  }
  return out.join("\n");
}

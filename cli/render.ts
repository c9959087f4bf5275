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

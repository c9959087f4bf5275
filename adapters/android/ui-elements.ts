/**
 * AndroidWorld's UI-element list, built from a device's raw view tree, and its
 * compact text rendering for LLMs.
 *
 * List rules (AndroidWorld's `forest_to_ui_elements` with invisible elements
 * excluded): keep every leaf node, every node with a content description and every
 * scrollable node, in tree order; nodes not visible to the user are dropped, but a
 * visible node with a zero-area box is kept, as AndroidWorld keeps it. The position
 * in the list is the action's `index`.
 */
import type { UiElement } from "../contract.js";
import type { RawNode, ScreenSize } from "../../emulator/device/contract.js";

/**
 * The element list of a raw tree. With `screen`, each element also gets AndroidWorld's
 * normalised `bbox` (pixels / screen size); without it `bbox` is absent, as AndroidWorld
 * leaves it when it is not given the screen size.
 */
export function toUiElements(nodes: readonly RawNode[], screen?: ScreenSize): UiElement[] {
  const out: UiElement[] = [];
  for (const n of nodes) {
    if (!n.isVisible || n.bbox === undefined) continue;
    if (n.childCount > 0 && n.contentDescription === "" && !n.isScrollable) continue;
    const b = n.bbox;
    out.push({
      text: n.text,
      contentDescription: n.contentDescription,
      className: n.className,
      bboxPixels: { ...b },
      hintText: n.hintText,
      isChecked: n.isChecked,
      isCheckable: n.isCheckable,
      isClickable: n.isClickable,
      isEditable: n.isEditable,
      isEnabled: n.isEnabled,
      isFocused: n.isFocused,
      isFocusable: n.isFocusable,
      isLongClickable: n.isLongClickable,
      isScrollable: n.isScrollable,
      isSelected: n.isSelected,
      isVisible: n.isVisible,
      packageName: n.packageName,
      resourceName: n.resourceName,
      resourceId: n.resourceId,
      bbox: screen ? { xMin: b.xMin / screen.width, xMax: b.xMax / screen.width, yMin: b.yMin / screen.height, yMax: b.yMax / screen.height } : undefined,
      tooltip: n.tooltip ?? "",
      metadata: { ...n.metadata },
    });
  }
  return out;
}

/**
 * Where a click on an element lands: the centre of its pixel box, truncated to
 * integers as AndroidWorld does (`int((x_min + x_max) / 2)`).
 */
export function elementCenter(e: UiElement): { x: number; y: number } {
  const b = e.bboxPixels;
  if (b === undefined) throw new Error("element has no bounding box");
  return { x: Math.trunc((b.xMin + b.xMax) / 2), y: Math.trunc((b.yMin + b.yMax) / 2) };
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + "..." : s);
}

/**
 * One line per element: `[index] Class "text" (content desc) hint:"..." tooltip:"..." flags @(x,y)`.
 * The class drops its `android.widget.` prefix; flags list only what is true
 * (clickable, editable, scrollable, checkable checked/unchecked, selected, focused, disabled).
 */
export function renderElementLine(e: UiElement, index: number): string {
  const parts = [`[${index}]`, e.className.replace(/^android\.(widget|view)\./, "")];
  if (e.text) parts.push(quote(e.text));
  // One line per element, whatever the app put in a description (real ones hold newlines).
  if (e.contentDescription) parts.push(`(${e.contentDescription.replace(/\r?\n/g, " ")})`);
  if (e.hintText && !e.text) parts.push(`hint:${quote(e.hintText)}`);
  if (e.tooltip && !e.text && !e.contentDescription) parts.push(`tooltip:${quote(e.tooltip)}`);
  if (e.isClickable) parts.push("clickable");
  if (e.isLongClickable) parts.push("long-clickable");
  if (e.isEditable) parts.push("editable");
  if (e.isScrollable) parts.push("scrollable");
  if (e.isCheckable) parts.push(e.isChecked ? "checked" : "unchecked");
  if (e.isSelected) parts.push("selected");
  if (e.isFocused) parts.push("focused");
  if (!e.isEnabled) parts.push("disabled");
  if (e.bboxPixels) {
    const c = elementCenter(e);
    parts.push(`@(${c.x},${c.y})`);
  }
  return parts.join(" ");
}

export function renderElements(elements: readonly UiElement[]): string {
  return elements.map(renderElementLine).join("\n");
}

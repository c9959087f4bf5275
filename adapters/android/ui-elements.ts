/**
 * AndroidWorld's UI-element list, built from a device's raw view tree, and its
 * compact text rendering for LLMs.
 *
 * List rules (AndroidWorld): keep every leaf node, every node with a content
 * description and every scrollable node, in tree order; invisible nodes (no box on
 * screen) are dropped. The position in the list is the action's `index`.
 */
import type { UiElement } from "../contract.js";
import type { RawNode } from "./device.js";

export function toUiElements(nodes: readonly RawNode[]): UiElement[] {
  const out: UiElement[] = [];
  for (const n of nodes) {
    if (!n.isVisible || n.bbox === undefined) continue;
    if (n.bbox.xMax <= n.bbox.xMin || n.bbox.yMax <= n.bbox.yMin) continue;
    if (n.childCount > 0 && n.contentDescription === "" && !n.isScrollable) continue;
    out.push({
      text: n.text,
      contentDescription: n.contentDescription,
      className: n.className,
      bboxPixels: { ...n.bbox },
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
    });
  }
  return out;
}

/** The centre of an element's box, in screen pixels (where a click on it lands). */
export function elementCenter(e: UiElement): { x: number; y: number } {
  const b = e.bboxPixels;
  if (b === undefined) throw new Error("element has no bounding box");
  return { x: Math.round((b.xMin + b.xMax) / 2), y: Math.round((b.yMin + b.yMax) / 2) };
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 77) + "..." : s);
}

/**
 * One line per element: `[index] Class "text" (content desc) hint:"..." flags @(x,y)`.
 * The class drops its `android.widget.` prefix; flags list only what is true
 * (clickable, editable, scrollable, checkable checked/unchecked, selected, focused, disabled).
 */
export function renderElementLine(e: UiElement, index: number): string {
  const parts = [`[${index}]`, e.className.replace(/^android\.(widget|view)\./, "")];
  if (e.text) parts.push(quote(e.text));
  if (e.contentDescription) parts.push(`(${e.contentDescription})`);
  if (e.hintText && !e.text) parts.push(`hint:${quote(e.hintText)}`);
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

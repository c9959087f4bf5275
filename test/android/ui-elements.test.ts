/** AndroidWorld's element-list rules and the text rendering, on hand-made trees (no browser). */
import { describe, expect, it } from "vitest";
import type { RawNode } from "../../emulator/device/contract.js";
import { elementCenter, renderElementLine, toUiElements } from "../../adapters/android/ui-elements.js";
import { answersMatch, stepBudget } from "../../adapters/android/task.js";

function node(p: Partial<RawNode>): RawNode {
  return {
    depth: 0, childCount: 0, text: "", contentDescription: "", className: "android.widget.TextView",
    bbox: { xMin: 0, xMax: 100, yMin: 0, yMax: 50 }, hintText: "", isChecked: false, isCheckable: false,
    isClickable: false, isEditable: false, isEnabled: true, isFocused: false, isFocusable: false,
    isLongClickable: false, isScrollable: false, isSelected: false, isVisible: true, packageName: "p",
    resourceName: "", resourceId: "", ...p,
  };
}

describe("element list", () => {
  it("keeps leaves, described nodes and scrollable nodes, in tree order", () => {
    const tree = [
      node({ childCount: 2, className: "android.widget.FrameLayout" }), // container: dropped
      node({ depth: 1, childCount: 1, className: "androidx.recyclerview.widget.RecyclerView", isScrollable: true }),
      node({ depth: 2, text: "row" }),
      node({ depth: 1, childCount: 1, contentDescription: "Card", className: "android.widget.LinearLayout" }),
      node({ depth: 2, text: "hidden", isVisible: false, bbox: undefined }), // invisible: dropped
      node({ depth: 0, text: "empty box", className: "android.view.View", bbox: { xMin: 5, xMax: 5, yMin: 0, yMax: 9 } }), // zero area but visible: kept
    ];
    const els = toUiElements(tree);
    expect(els.map((e) => e.className)).toEqual(["androidx.recyclerview.widget.RecyclerView", "android.widget.TextView", "android.widget.LinearLayout", "android.view.View"]);
    expect(els[1]!.bboxPixels).toEqual({ xMin: 0, xMax: 100, yMin: 0, yMax: 50 });
    expect(els[3]!.bboxPixels).toEqual({ xMin: 5, xMax: 5, yMin: 0, yMax: 9 });
  });

  it("adds AndroidWorld's normalised bbox when given the screen, and tooltip and metadata", () => {
    const [e] = toUiElements([node({ bbox: { xMin: 540, xMax: 1080, yMin: 600, yMax: 1200 }, tooltip: "More options", metadata: { depth: "3" } })], { width: 1080, height: 2400 });
    expect(e!.bbox).toEqual({ xMin: 0.5, xMax: 1, yMin: 0.25, yMax: 0.5 });
    expect(e!.tooltip).toBe("More options");
    expect(e!.metadata).toEqual({ depth: "3" });
    // Without the screen size there is no normalised box (AndroidWorld: screen_size=None).
    const [f] = toUiElements([node({})]);
    expect(f!.bbox).toBeUndefined();
    expect(f!.tooltip).toBe("");
    expect(f!.metadata).toEqual({});
  });

  it("puts a click at the truncated centre, as AndroidWorld's int()", () => {
    const [e] = toUiElements([node({ bbox: { xMin: 0, xMax: 101, yMin: 10, yMax: 21 } })]);
    expect(elementCenter(e!)).toEqual({ x: 50, y: 15 });
  });

  it("renders one compact line per element", () => {
    const [e] = toUiElements([node({ text: "Save", className: "android.widget.Button", isClickable: true, bbox: { xMin: 900, xMax: 1040, yMin: 100, yMax: 200 } })]);
    expect(renderElementLine(e!, 4)).toBe('[4] Button "Save" clickable @(970,150)');
    const [f] = toUiElements([node({ hintText: "Name", className: "android.widget.EditText", isEditable: true, isFocused: true })]);
    expect(renderElementLine(f!, 0)).toBe('[0] EditText hint:"Name" editable focused @(50,25)');
    const [g] = toUiElements([node({ className: "android.widget.ImageView", tooltip: "Search", isClickable: true })]);
    expect(renderElementLine(g!, 1)).toBe('[1] ImageView tooltip:"Search" clickable @(50,25)');
  });

  it("uses AndroidWorld's budget and list-answer comparison", () => {
    expect(stepBudget({ complexity: 1.2 })).toBe(12);
    expect(stepBudget({ complexity: 1.4 })).toBe(14);
    expect(answersMatch("b, A", "a,b")).toBe(true);
    expect(answersMatch("a", "a,b")).toBe(false);
    expect(answersMatch(undefined, "a")).toBe(false);
  });
});

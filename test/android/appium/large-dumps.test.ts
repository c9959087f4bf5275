/**
 * The parser and AndroidWorld's list rules on real-size UiAutomator2 dumps (hundreds of
 * nodes, written by fixtures/make-large-dumps.py in UiAutomator2's format): system bars
 * as separate windows, RecyclerView rows attached below the fold (displayed="false"),
 * zero-area views that are displayed, INVISIBLE views, UTF-8 text and entities.
 */
import { describe, expect, it } from "vitest";
import { parsePageSource } from "../../../adapters/android/appium/page-source.js";
import { renderElements } from "../../../adapters/android/ui-elements.js";
import { fixture } from "./fakes.js";

const by = (name: string) => (e: { resourceName: string }) => e.resourceName === name;

describe("real-size UiAutomator2 dumps", () => {
  it("Contacts' list: visible rows only, in order; zero-area dividers kept; system bars after the app", () => {
    const { nodes, elements, screen } = parsePageSource(fixture("contacts-large"));
    expect(nodes).toHaveLength(204);
    expect(screen).toEqual({ rotation: 0, width: 1080, height: 2400 });
    const names = elements.filter(by("cliv_name_textview")).map((e) => e.text);
    expect(names).toEqual(["Aaron Bell", "Abigail Chen", "Adele Okafor", "Bao Nguyen", "Beatriz Souza", "Björn Larsson", "Carlos Díaz", "Chloé Martin", "Clara Schmidt"]);
    // Rows RecyclerView keeps attached below the fold are in the dump, not in the list.
    expect(nodes.map((n) => n.text)).toContain("Dana & Sam Levi");
    expect(elements.map((e) => e.text)).not.toContain("Dana & Sam Levi");
    // Displayed views without area (row dividers, an empty battery label) stay, as AndroidWorld keeps them.
    const dividers = elements.filter(by("cliv_divider"));
    expect(dividers).toHaveLength(9);
    for (const d of dividers) expect(d.bboxPixels!.yMax).toBe(d.bboxPixels!.yMin);
    expect(elements.filter(by("battery_percentage_view"))).toHaveLength(1);
    // One list; the badges are kept for their content description, their images as leaves.
    expect(elements.filter((e) => e.isScrollable).map((e) => [e.className, e.bboxPixels])).toEqual([
      ["androidx.recyclerview.widget.RecyclerView", { xMin: 0, xMax: 1080, yMin: 346, yMax: 2137 }],
    ]);
    expect(elements.filter(by("cliv_avatar")).map((e) => e.contentDescription)).toEqual(names.map((n) => `Quick contact for ${n}`));
    expect(elements.filter(by("cliv_avatar_image"))).toHaveLength(9);
    // The fast scroller's 27 letters, the three tabs with the first selected.
    expect(elements.filter((e) => /^[A-Z#]$/.test(e.text) && e.isClickable)).toHaveLength(27);
    expect(elements.filter((e) => e.className === "android.widget.FrameLayout" && e.isClickable && e.contentDescription).map((e) => [e.contentDescription, e.isSelected])).toEqual(
      expect.arrayContaining([
        ["Contacts", true],
        ["Fix & manage", false],
      ]),
    );
    // Tree order: the app's window, then the status bar, then the navigation bar.
    const pkgs = elements.map((e) => e.packageName);
    const firstSystem = pkgs.indexOf("com.android.systemui");
    expect(pkgs.slice(0, firstSystem).every((p) => p === "com.google.android.contacts")).toBe(true);
    expect(pkgs.slice(firstSystem).every((p) => p === "com.android.systemui")).toBe(true);
    expect(elements.at(-1)!.contentDescription).toBe("Overview");
    expect(elements.find((e) => e.text === "3:34")!.contentDescription).toBe("3:34 PM");
    expect(elements.find(by("og_apd_internal_image_view"))!.contentDescription).toBe("Signed in as alex@example.com\nAccount and settings");
  });

  it("Simple Calendar's month: 42 day cells in order, events decoded, one today highlight", () => {
    const { nodes, elements } = parsePageSource(fixture("calendar-large"));
    expect(nodes).toHaveLength(287);
    const days = elements.filter(by("day_monthly_number_id")).map((e) => e.text);
    expect(days).toEqual([...Array.from({ length: 31 }, (_, i) => String(i + 1)), ...Array.from({ length: 11 }, (_, i) => String(i + 1))]);
    expect(elements.filter(by("day_monthly_number_id")).filter((e) => e.isSelected).map((e) => e.text)).toEqual(["15"]);
    const cells = elements.filter(by("month_view_background"));
    expect(cells).toHaveLength(42);
    expect(cells[16]!.contentDescription).toBe("October 17, 2023");
    expect(cells.every((c) => c.isClickable)).toBe(true);
    expect(elements.filter(by("day_monthly_event_id")).map((e) => e.text)).toEqual([
      "Standup", "Dentist", "Gym", "Team lunch", "Fri 13 party", "1:1 w/ Priya", "Review <Q4>", "Call Mom", "Meeting", "Hike", "Café w/ Zoë", "Rent due",
    ]);
    // INVISIBLE highlights (displayed="false") are dropped; today's is kept.
    expect(nodes.filter(by("day_monthly_today_background"))).toHaveLength(42);
    expect(elements.filter(by("day_monthly_today_background"))).toHaveLength(1);
    expect(elements.filter((e) => e.isScrollable).map((e) => e.className)).toEqual(["androidx.viewpager.widget.ViewPager"]);
  });

  it("gives every element a normalised bbox and bounded metadata, and renders one line each", () => {
    for (const name of ["contacts-large", "calendar-large"]) {
      const { elements } = parsePageSource(fixture(name));
      for (const e of elements) {
        const b = e.bbox!;
        for (const v of [b.xMin, b.xMax, b.yMin, b.yMax]) expect(v >= 0 && v <= 1, name).toBe(true);
        expect(Object.keys(e.metadata).length).toBeLessThanOrEqual(24);
        expect(e.metadata["drawing-order"]).toMatch(/^\d+$/);
      }
      const lines = renderElements(elements).split("\n");
      expect(lines).toHaveLength(elements.length);
      lines.forEach((l, i) => expect(l.startsWith(`[${i}] `)).toBe(true));
      if (name === "contacts-large") expect(lines.find((l) => l.includes("Signed in"))).toMatch(/\(Signed in as alex@example\.com Account and settings\)/);
    }
  });
});

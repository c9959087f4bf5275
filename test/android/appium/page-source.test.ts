import { describe, expect, it } from "vitest";
import { EnvError } from "../../../adapters/contract.js";
import { decodeEntities, parseBounds, parsePageSource, parseXml, PageSourceError } from "../../../adapters/android/appium/page-source.js";
import { fixture } from "./fakes.js";

describe("UiAutomator2 page source parsing", () => {
  it("keeps leaves, nodes with a content description and scrollable nodes, in tree order", () => {
    const { elements, nodes, screen } = parsePageSource(fixture("home-launcher"));
    expect(screen).toEqual({ rotation: 0, width: 1080, height: 2400 });
    expect(nodes).toHaveLength(16);
    expect(nodes[0]!.depth).toBe(0);
    expect(elements.map((e) => e.contentDescription || e.resourceName)).toEqual([
      "workspace", // scrollable
      "Home", // has a content description, not a leaf
      "search_container_workspace",
      "Clock",
      "Settings",
      "page_indicator",
      "Phone",
      "Messages",
      "Chrome",
      "Contacts",
    ]);
  });

  it("maps every UIElement field from the attributes", () => {
    const { elements } = parsePageSource(fixture("contacts-editor"));
    const first = elements.find((e) => e.hintText === "First name")!;
    expect(first).toEqual({
      text: "First name",
      contentDescription: "",
      className: "android.widget.EditText",
      bboxPixels: { xMin: 189, xMax: 1038, yMin: 640, yMax: 787 },
      hintText: "First name",
      isChecked: false,
      isCheckable: false,
      isClickable: true,
      isEditable: true,
      isEnabled: true,
      isFocused: true,
      isFocusable: true,
      isLongClickable: true,
      isScrollable: false,
      isSelected: false,
      isVisible: true,
      packageName: "com.google.android.contacts",
      resourceName: "",
      resourceId: "",
      // bboxPixels over the <hierarchy width height> screen, as AndroidWorld normalises.
      bbox: { xMin: 189 / 1080, xMax: 1038 / 1080, yMin: 640 / 2400, yMax: 787 / 2400 },
      tooltip: "",
      // The tree depth and the attributes AndroidWorld's fields do not carry.
      metadata: { depth: "4", index: "0", password: "false" },
    });
    const save = elements.find((e) => e.text === "Save")!;
    expect(save.resourceId).toBe("com.google.android.contacts:id/toolbar_button");
    expect(save.resourceName).toBe("toolbar_button");
    expect(save.isEditable).toBe(false);
  });

  it("reads a checked Switch, a RecyclerView and the newer attribute set", () => {
    const { elements } = parsePageSource(fixture("settings-wifi"));
    const sw = elements.find((e) => e.className === "android.widget.Switch")!;
    expect(sw.isCheckable && sw.isChecked).toBe(true);
    expect(sw.resourceName).toBe("switchWidget");
    const list = elements.find((e) => e.isScrollable)!;
    expect(list.className).toBe("androidx.recyclerview.widget.RecyclerView");
    expect(list.bboxPixels).toEqual({ xMin: 0, xMax: 1080, yMin: 638, yMax: 2337 });
  });

  it("decodes entities, including numeric ones", () => {
    const { elements } = parsePageSource(fixture("settings-wifi"));
    expect(elements.map((e) => e.text)).toContain("Wi\u2011Fi");
    expect(elements.map((e) => e.text)).toContain(`Network preferences & "saved" <networks> 'A'`);
    expect(decodeEntities("a &amp;amp; &#65;&#x42; &unknown; &")).toBe("a &amp; AB &unknown; &");
  });

  it("lists the scrollable RecyclerView and its rows' leaves", () => {
    const { elements } = parsePageSource(fixture("markor-recycler"));
    expect(elements.filter((e) => e.isScrollable)).toHaveLength(1);
    expect(elements.map((e) => e.text)).toEqual(expect.arrayContaining(["grocery_list.md", "meeting notes.txt"]));
    expect(elements.at(-1)!.contentDescription).toBe("Create a new file or folder");
  });

  it("parses bounds and rejects malformed ones", () => {
    expect(parseBounds("[0,136][1080,2221]")).toEqual({ xMin: 0, yMin: 136, xMax: 1080, yMax: 2221 });
    expect(parseBounds("[0,136]")).toBeUndefined();
    expect(parseBounds(undefined)).toBeUndefined();
  });

  it("handles comments, single quotes and self-closing roots", () => {
    const root = parseXml(`<?xml version="1.0"?><!-- c --><hierarchy rotation='1'><a x='1 &lt; 2'/></hierarchy>`);
    expect(root.attrs.rotation).toBe("1");
    expect(root.children[0]!.attrs.x).toBe("1 < 2");
  });

  it("rejects malformed XML with a retryable INTERNAL error", () => {
    for (const bad of ["<hierarchy><a></hierarchy>", "<hierarchy", "<hierarchy a=1/>", "", "<a/><b/>", "<hierarchy><a x=\"1\"></b></hierarchy>"]) {
      expect(() => parseXml(bad), bad).toThrow(PageSourceError);
      try {
        parsePageSource(bad);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError);
        expect((err as EnvError).reason).toBe("INTERNAL");
        expect((err as EnvError).retryable).toBe(true);
      }
    }
  });
});

/**
 * The device interface shared by the Android environment's backends: the
 * browser-hosted device (`emulator/web-device/`) and Appium (`adapters/android/appium/`).
 * It lives under emulator/ so the dependency points one way: adapters build on
 * device-level code, and nothing under emulator/ imports from adapters/ (a test checks).
 *
 * The environment model (actions, element list, tasks, episodes) is written once
 * against {@link DeviceBackend}; a backend only moves pixels and reads the screen.
 * Every coordinate is in physical screen pixels (1080×2400 on both backends), the
 * space of AndroidWorld's `bbox_pixels`.
 *
 * Contract:
 * - Input methods (tap, longPress, doubleTap, typeText, pressKey, swipe, openApp, wait)
 *   return once the device has applied the input; they do not wait for the screen to be
 *   stable — {@link DeviceBackend.settle} does, and the environment calls it before reading.
 * - {@link DeviceBackend.elementTree} returns the raw accessibility/view tree in tree
 *   order (pre-order), every node with its depth; the environment applies AndroidWorld's
 *   list rules (`ui-elements.ts`) on it, so both backends produce lists the same way.
 * - {@link DeviceBackend.captureState}/{@link DeviceBackend.restoreState} are optional:
 *   a backend that cannot snapshot (a real phone) leaves them undefined and the env
 *   reports cloneSupport "none". A captured state is a JSON-serialisable value.
 */

/** A rectangle in screen pixels (inclusive min, exclusive max). */
export interface PixelBox {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * AndroidWorld's UIElement fields as a device reads them from a view node. The one
 * list of them: the environment contract's UiElement (`adapters/contract.ts`) extends
 * it with the fields the environment computes (boxes, tooltip, metadata).
 */
export interface ViewNodeFields {
  text: string;
  contentDescription: string;
  className: string;
  hintText: string;
  isChecked: boolean;
  isCheckable: boolean;
  isClickable: boolean;
  isEditable: boolean;
  isEnabled: boolean;
  isFocused: boolean;
  isFocusable: boolean;
  isLongClickable: boolean;
  isScrollable: boolean;
  isSelected: boolean;
  isVisible: boolean;
  packageName: string;
  resourceName: string;
  resourceId: string;
}

/**
 * One node of the device's view tree, before filtering: AndroidWorld's UIElement
 * fields (the box named `bbox`, in pixels, possibly absent for off-screen nodes),
 * plus `depth` and `childCount` for the tree's shape.
 */
export interface RawNode extends ViewNodeFields {
  depth: number;
  /** Number of child nodes (0 = leaf). */
  childCount: number;
  /** The box in screen pixels (the element's bbox_pixels); zero-area boxes are real (AndroidWorld keeps them). */
  bbox: PixelBox | undefined;
  tooltip?: string;
  /** Extras the backend knows about the node (kept in UiElement.metadata). */
  metadata?: Record<string, string>;
}

/** Hardware/system keys the action space uses. */
export type DeviceKey = "back" | "home" | "enter";

/** Screen size in physical pixels. */
export interface ScreenSize {
  width: number;
  height: number;
}

/** A PNG screenshot. */
export interface Screenshot {
  png: Uint8Array;
  width: number;
  height: number;
}

export interface DeviceBackend {
  /** Physical screen size (bbox and tap coordinates live in this space). */
  readonly screen: ScreenSize;
  /** App names `openApp` accepts (display names; matching is case-insensitive). */
  appNames(): readonly string[];

  /** Prepares the device (connects, launches); idempotent. */
  start(): Promise<void>;
  /** Waits until the screen is stable (the web device: one settled frame; AndroidWorld: 3 equal polls). */
  settle(): Promise<void>;

  screenshot(): Promise<Screenshot>;
  /** The view tree in pre-order with depths; see {@link RawNode}. */
  elementTree(): Promise<RawNode[]>;

  tap(x: number, y: number): Promise<void>;
  longPress(x: number, y: number): Promise<void>;
  doubleTap(x: number, y: number): Promise<void>;
  /** Types into the focused field (no tap, no Enter). */
  typeText(text: string): Promise<void>;
  /** Clears the focused field. */
  clearText(): Promise<void>;
  pressKey(key: DeviceKey): Promise<void>;
  /** A straight swipe (finger down at from, up at to). */
  swipe(fromX: number, fromY: number, toX: number, toY: number): Promise<void>;
  /** Launches an app by display name; throws if there is no such app. */
  openApp(name: string): Promise<void>;
  /** Lets device time pass (AndroidWorld's `wait`: 1 s). */
  wait(seconds: number): Promise<void>;

  /** A JSON-serialisable snapshot of everything on the device; absent when the backend cannot snapshot. */
  captureState?(): Promise<unknown>;
  restoreState?(state: unknown): Promise<void>;

  /** Releases the device (pages, sessions). */
  close(): Promise<void>;
}

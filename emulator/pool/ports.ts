/**
 * Port plan for a pool of emulators on one host. Slot i gets its own:
 * - emulator console port 5554+2i (adb's device port is console+1, serial emulator-<console>);
 * - emulator gRPC port 8554+i;
 * - adb server port 15037+i (one adb server per emulator: a shared server fails under load);
 * - Appium UiAutomator2 systemPort 8200+i, mjpegServerPort 7810+i, chromedriverPort 9516+i
 *   (parallel Appium sessions collide without distinct ones).
 * The emulator accepts console ports 5554..5682, so a host holds at most 64 slots.
 */
export interface SlotPorts {
  console: number;
  adb: number;
  grpc: number;
  adbServer: number;
  systemPort: number;
  mjpegServerPort: number;
  chromedriverPort: number;
}

export const MAX_SLOTS = 64;

export function slotPorts(slot: number): SlotPorts {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) throw new RangeError(`emulator slot must be 0..${MAX_SLOTS - 1}, got ${slot}`);
  const console = 5554 + 2 * slot;
  return {
    console,
    adb: console + 1,
    grpc: 8554 + slot,
    adbServer: 15037 + slot,
    systemPort: 8200 + slot,
    mjpegServerPort: 7810 + slot,
    chromedriverPort: 9516 + slot,
  };
}

export function serialOf(ports: SlotPorts): string {
  return `emulator-${ports.console}`;
}

/** Every port of a slot, for availability checks. */
export function allPorts(p: SlotPorts): number[] {
  return [p.console, p.adb, p.grpc, p.adbServer, p.systemPort, p.mjpegServerPort, p.chromedriverPort];
}

/**
 * The first `count` slots not in `taken` whose ports are all free (`isFree`),
 * lowest first. Throws when the host runs out of slots.
 */
export async function allocateSlots(count: number, taken: ReadonlySet<number>, isFree: (port: number) => Promise<boolean>): Promise<number[]> {
  const out: number[] = [];
  for (let slot = 0; slot < MAX_SLOTS && out.length < count; slot++) {
    if (taken.has(slot)) continue;
    const ports = allPorts(slotPorts(slot));
    const free = await Promise.all(ports.map(isFree));
    if (free.every(Boolean)) out.push(slot);
  }
  if (out.length < count) throw new Error(`only ${out.length} of ${count} emulator slots are free (ports busy or ${MAX_SLOTS} slots in use)`);
  return out;
}

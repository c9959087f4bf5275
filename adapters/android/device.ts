/**
 * The device contract's home is `emulator/device/contract.ts`. This re-export keeps
 * env.ts and gesture.ts compiling unchanged while another branch edits them; new code
 * imports from emulator/device/contract.js, and this file goes once those two do.
 */
export type { DeviceBackend, DeviceKey, PixelBox, RawNode, ScreenSize, Screenshot } from "../../emulator/device/contract.js";

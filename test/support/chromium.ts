/** Whether Debian's Chromium is here (tests that render in it skip, with a message, without it). */
import { existsSync } from "node:fs";

export const hasChromium = existsSync(process.env.DYNAMIND_CHROMIUM ?? "/usr/bin/chromium");

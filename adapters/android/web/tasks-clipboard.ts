/**
 * android-web tasks that go through the clipboard (AndroidWorld: single/system.py
 * SystemCopyToClipboard, single/markor.py MarkorCreateNoteFromClipboard,
 * single/sms.py SimpleSmsSendClipboardContent). The phone's text fields copy and paste
 * from a long press, as Android's do; the clipboard is part of the device's state.
 */
import { fuzzyMatch } from "../fuzzy.js";
import { def, digits, foreground, phoneNumber, randomFileName, randomString, SENTENCES, type WebTask } from "./task-kit.js";

/** Some of AndroidWorld's clipboard texts. */
const CLIPBOARD_TEXTS = ["1234 Elm St, Springfield, IL", "Acme Corp, Suite 200", "john.doe@example.com", "Jane's Flower Shop", "Call me at 555-1234", "Order No: A123456", "Discount code: SAVE20", "Membership ID: XYZ789", "Invoice #98765", "Tracking #: 1Z204E2A", "Transaction ID: abc123", "9876 Pine Ave, Riverside, CA"];

export const CLIPBOARD_TASKS: readonly WebTask[] = [
  def({
    name: "SystemCopyToClipboard",
    app: "Launcher",
    description: "put a text on the clipboard (fuzzy)",
    params: (rng) => ({ clipboard_content: rng.pick(CLIPBOARD_TEXTS) }),
    goal: (p) => `Copy the following text to the clipboard: ${p.clipboard_content}`,
    setup: () => ({ clipboard: "" }),
    check: (s, p) => Number(fuzzyMatch(p.clipboard_content, s.clipboard)),
  }),
  def({
    name: "MarkorCreateNoteFromClipboard",
    app: "Markor",
    description: "create a note and paste the clipboard into it (fuzzy)",
    params: (rng) => ({ file_name: randomFileName(rng) + rng.pick([".md", ".txt"]), file_content: randomString(rng, 10) }),
    goal: (p) => `Create a note in Markor named ${p.file_name}. Perform a paste operation in the note and save the note.`,
    setup: (p) => ({ notes: [], clipboard: p.file_content }),
    check: (s, p) => Number(fuzzyMatch(s.notes.find((n) => n.name === p.file_name)?.content.trim(), p.file_content)),
  }),
  def({
    name: "SimpleSmsSendClipboardContent",
    app: "Simple SMS Messenger",
    description: "text the clipboard's content to a number (SMS app in front at the end)",
    params: (rng) => ({ number: phoneNumber(rng), message: rng.pick(SENTENCES) }),
    goal: (p) => `Send a message to ${p.number} with the clipboard content in Simple SMS Messenger`,
    setup: (p) => ({ sms: [], clipboard: p.message }),
    check: (s, p) =>
      Number(foreground(s) === "sms" && s.sms.some((t) => digits(t.number) === digits(p.number) && t.messages.some((m) => m.from === "me" && fuzzyMatch(m.text, p.message)))),
  }),
];

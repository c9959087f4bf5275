/**
 * android-web Simple SMS Messenger tasks (AndroidWorld: single/sms.py and
 * common_validators/sms_validators.py). As there: the inbox holds noise texts from
 * other numbers, a message counts as sent when its number matches and its body
 * fuzzy-matches, and the SMS app must be in front when the agent says it is done.
 */
import type { Rng } from "../../kit/rng.js";
import type { DeviceState, SmsThread } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { def, digits, FIRST, foreground, json, LAST, minutesAgo, phoneNumber, randint, SENTENCES, type WebTask } from "./task-kit.js";

/** An incoming text from `number`, `i` minutes before the device's start time. */
const incoming = (number: string, text: string, minutes: number, name = ""): SmsThread => ({ number, name, messages: [{ from: "them", text, time: minutesAgo(minutes) }] });

/** Texts arriving in this order (the last is the most recent); one thread per number. */
function inbox(texts: readonly [string, string][]): SmsThread[] {
  const threads: SmsThread[] = [];
  texts.forEach(([number, text], i) => {
    const minutes = texts.length - i;
    const t = threads.find((x) => x.number === number);
    if (t) t.messages.push({ from: "them", text, time: minutesAgo(minutes) });
    else threads.push(incoming(number, text, minutes));
  });
  return threads;
}

function otherNumber(rng: Rng, not: string): string {
  for (;;) {
    const n = phoneNumber(rng);
    if (n !== not) return n;
  }
}

const sentTo = (s: DeviceState, number: string) => s.sms.filter((t) => digits(t.number) === digits(number)).flatMap((t) => t.messages.filter((m) => m.from === "me"));
const wasSent = (s: DeviceState, number: string, message: string) => sentTo(s, number).some((m) => fuzzyMatch(m.text, message));
const inSmsApp = (s: DeviceState) => foreground(s) === "sms";

export const SMS_TASKS: readonly WebTask[] = [
  def({
    name: "SimpleSmsSend",
    app: "Simple SMS Messenger",
    description: "send a text message to a number (SMS app in front at the end)",
    params: (rng) => ({ number: phoneNumber(rng), message: rng.pick(SENTENCES) }),
    goal: (p) => `Send a text message using Simple SMS Messenger to ${p.number} with message: ${p.message}`,
    setup: () => ({ sms: [] }),
    check: (s, p) => Number(wasSent(s, p.number, p.message) && inSmsApp(s)),
  }),
  def({
    name: "SimpleSmsReply",
    app: "Simple SMS Messenger",
    description: "reply to a number among 1–5 noise texts (SMS app in front at the end)",
    params: (rng) => {
      const number = phoneNumber(rng);
      const texts: [string, string][] = [];
      let sent = false;
      for (let i = randint(rng, 1, 5); i > 0; i--) {
        if (!sent && rng.int(2) === 0) {
          texts.push([number, rng.pick(SENTENCES)]);
          sent = true;
        }
        texts.push([otherNumber(rng, number), rng.pick(SENTENCES)]);
      }
      if (!sent) texts.push([number, rng.pick(SENTENCES)]);
      return { number, message: rng.pick(SENTENCES), threads: JSON.stringify(inbox(texts)) };
    },
    goal: (p) => `Reply to ${p.number} with message: ${p.message} in Simple SMS Messenger`,
    setup: (p) => ({ sms: json<SmsThread[]>(p.threads) }),
    check: (s, p) => Number(wasSent(s, p.number, p.message) && inSmsApp(s)),
  }),
  def({
    name: "SimpleSmsReplyMostRecent",
    app: "Simple SMS Messenger",
    description: "reply to the most recent text, after 0–5 noise texts (SMS app in front at the end)",
    params: (rng) => {
      const number = phoneNumber(rng);
      const message = rng.pick(SENTENCES);
      const other = () => rng.pick(SENTENCES.filter((x) => x !== message));
      const texts: [string, string][] = [];
      for (let i = randint(rng, 0, 5); i > 0; i--) texts.push([otherNumber(rng, number), other()]);
      texts.push([number, other()]);
      return { number, message, threads: JSON.stringify(inbox(texts)) };
    },
    goal: (p) => `Reply to the most recent text message using Simple SMS Messenger with message: ${p.message}`,
    setup: (p) => ({ sms: json<SmsThread[]>(p.threads) }),
    check: (s, p) => Number(wasSent(s, p.number, p.message) && inSmsApp(s)),
  }),
  def({
    name: "SimpleSmsResend",
    app: "Simple SMS Messenger",
    description: "resend the last message sent to a contact, who asked for it again",
    params: (rng) => ({ name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, number: phoneNumber(rng), message: rng.pick(SENTENCES) }),
    goal: (p) => `Resend the message I just sent to ${p.name} in Simple SMS Messenger`,
    setup: (p) => {
      const [first, last] = p.name.split(" ") as [string, string];
      return {
        contacts: [{ id: 1, first, last, phone: p.number, label: "Mobile" }],
        sms: [
          {
            number: p.number,
            name: p.name,
            messages: [
              { from: "me", text: p.message, time: minutesAgo(3) },
              { from: "them", text: "Sorry, there was a glitch, what was the last message you sent me?", time: minutesAgo(1) },
            ],
          },
        ],
      };
    },
    // AndroidWorld: exactly one more sent message, to that number, with the same body (fuzzy).
    check: (s, p) => {
      const sent = s.sms.flatMap((t) => t.messages.filter((m) => m.from === "me").map((m) => ({ ...m, number: t.number })));
      const newest = sent.sort((a, b) => b.time - a.time)[0];
      return Number(sent.length === 2 && !!newest && newest.time > minutesAgo(3) && digits(newest.number) === digits(p.number) && fuzzyMatch(newest.text, p.message));
    },
  }),
];

/** AndroidWorld's event addresses (SimpleSmsSendReceivedAddress). */
const ADDRESSES = ["123 Main St Girdwood, AK, 99587", "6 Elm St, Birmingham, AL, 35217", "789 E Oak St, Phoenix AZ 85006", "1011 S Maple St, Little Rock, AR, 72204", "1415 W Cedar Ave Denver, CO, 80223", "968 Spruce St, Hartford, CT, 06103", "1819 Birch Ct, Dover, DE, 19901", "2021 Poplar St, Atlanta, GA, 30340"];

export const SMS_MORE_TASKS: readonly WebTask[] = [
  def({
    name: "SimpleSmsSendReceivedAddress",
    app: "Simple SMS Messenger",
    description: "forward an address one contact texted to another contact (SMS app in front at the end)",
    params: (rng) => {
      const name1 = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      let name2 = name1;
      while (name2 === name1) name2 = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
      const number = phoneNumber(rng);
      return { name1, number, name2, number2: otherNumber(rng, number), message: rng.pick(ADDRESSES) };
    },
    goal: (p) => `Text the address of the event to ${p.name1} that ${p.name2} just sent me in Simple SMS Messenger`,
    setup: (p) => {
      const person = (id: number, name: string, phone: string) => ({ id, first: name.split(" ")[0]!, last: name.split(" ")[1]!, phone, label: "Mobile" });
      return { contacts: [person(1, p.name1, p.number), person(2, p.name2, p.number2)], sms: [incoming(p.number2, p.message, 1, p.name2)] };
    },
    check: (s, p) => Number(wasSent(s, p.number, p.message) && inSmsApp(s)),
  }),
  def({
    name: "MarkorCreateNoteAndSms",
    app: "Markor",
    description: "create a note, then text its content to a number (half for each; the SMS half needs the SMS app in front)",
    params: (rng) => ({ file_name: `${rng.pick(["plan", "memo", "list", "draft"])}_${randint(rng, 1, 999)}${rng.pick([".md", ".txt"])}`, text: rng.pick(SENTENCES), number: phoneNumber(rng) }),
    goal: (p) => `Create a new note in Markor named ${p.file_name} with the following text: ${p.text}. Share the entire content of the note with the phone number ${p.number} via SMS using Simple SMS Messenger`,
    setup: () => ({ notes: [], sms: [] }),
    check: (s, p) => {
      const note = s.notes.find((n) => n.name === p.file_name);
      return (Number(fuzzyMatch(note?.content.trim(), p.text)) + Number(wasSent(s, p.number, p.text) && inSmsApp(s))) / 2;
    },
  }),
];

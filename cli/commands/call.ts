/**
 * `dynamind call <method> [json]`: one EnvService call from the shell, for people without grpcurl.
 * The request is the method's message in proto3 JSON (camelCase or snake_case field names, as
 * grpcurl takes it); the reply is printed the same way, with long strings (image bytes, portable
 * states) shortened and the whole output bounded.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { EnvClient } from "../../agent/client/index.js";
import * as pb from "../../gen/ts/dynamind/env/v1/env_service_pb.js";
import { int, jsonObject } from "../options.js";

interface JsonCodec {
  fromJSON(object: unknown): unknown;
  toJSON(message: unknown): unknown;
}

/** The unary methods by their proto name (ListEnvs, CreateSession, ...); Connect is a stream and is left out. */
export function unaryMethods(): Map<string, { stub: string; request: JsonCodec; response: JsonCodec }> {
  const codecs = pb as unknown as Record<string, JsonCodec | undefined>;
  const out = new Map<string, { stub: string; request: JsonCodec; response: JsonCodec }>();
  for (const [stub, def] of Object.entries(pb.EnvServiceService)) {
    if (def.requestStream || def.responseStream) continue;
    const name = def.path.slice(def.path.lastIndexOf("/") + 1);
    const request = codecs[`${name}Request`];
    const response = codecs[`${name}Response`];
    if (request && response) out.set(name, { stub, request, response });
  }
  return out;
}

/** JSON text of a value with strings over `maxString` characters cut (their length said) and at most `maxChars` characters in all. */
export function boundedJson(value: unknown, maxString: number, maxChars: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === "string" && v.length > maxString ? `${v.slice(0, maxString)}… (${v.length} characters)` : v),
    2,
  );
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters; --max-chars 0 prints everything)`;
}

export function callCommand(): Command {
  return new Command("call")
    .description("Make one EnvService call with a JSON request and print the JSON reply (what `grpcurl -d` does).")
    .argument("<method>", "ListEnvs, CreateSession, Reset, Step, CloneState, Expand, ...")
    .argument("[json]", "the request message as JSON, e.g. '{\"envId\": \"sokoban\"}'", "{}")
    .option("-a, --address <host:port>", "the server", "127.0.0.1:50051")
    .addOption(new Option("--token <token>", "bearer token, when the server requires one").env("DYNAMIND_TOKEN"))
    .option("--timeout <seconds>", "deadline of the call", int, 60)
    .option("--max-chars <n>", "print at most this many characters of the reply (0: all)", int, 4000)
    .option("--max-string <n>", "shorten strings longer than this, e.g. image bytes (0: never)", int, 200)
    .addHelpText("after", `\nExample:\n  dynamind call CreateSession '{"envId": "sokoban", "configJson": "{\\"preset\\": \\"6x6-1box\\"}"}'\n  dynamind call Reset '{"sessionId": "<id from above>", "seed": 42}'\n  dynamind call Step '{"sessionId": "<id>", "action": {"text": "Up"}}'`)
    .action(async (method: string, json: string, opts: { address: string; token?: string; timeout: number; maxChars: number; maxString: number }) => {
      const methods = unaryMethods();
      const name = method.replace(/^.*\//, "");
      const found = methods.get(name) ?? [...methods.entries()].find(([n, m]) => n.toLowerCase() === name.toLowerCase() || m.stub === name)?.[1];
      if (!found) {
        const hint = name.toLowerCase() === "connect" ? "Connect is a bidirectional stream; " : "";
        throw new InvalidArgumentError(`${hint}unknown method "${method}": one of ${[...methods.keys()].join(", ")}`);
      }
      const request = found.request.fromJSON(jsonObject(json));
      const client = new EnvClient({ addresses: opts.address, token: opts.token, timeoutMs: opts.timeout * 1000 });
      try {
        const reply = await client.call(0, found.stub, request);
        const max = (n: number) => (n === 0 ? Number.POSITIVE_INFINITY : n);
        console.log(boundedJson(found.response.toJSON(reply), max(opts.maxString), max(opts.maxChars)));
      } finally {
        client.close();
      }
    });
}

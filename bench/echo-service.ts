/**
 * The bench's transport reference: bare grpc-js methods with nothing behind them.
 * `echo` returns its request bytes (the unary floor); `sized` and `stream` answer
 * each request with a reply of the size written in its first 4 bytes, so a figure
 * can stand beside the echo of the same bytes (same request and reply sizes, unary
 * or one message each way on a bidi stream); `cpu` reports the serving process's
 * CPU time, so server CPU per step is measured where the work is done.
 */
import type { ServerDuplexStream, ServerUnaryCall, ServiceDefinition, UntypedServiceImplementation, sendUnaryData } from "@grpc/grpc-js";

const bytes = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};

export const ECHO_SERVICE: ServiceDefinition = {
  echo: { path: "/bench.Echo/Echo", requestStream: false, responseStream: false, ...bytes },
  sized: { path: "/bench.Echo/Sized", requestStream: false, responseStream: false, ...bytes },
  stream: { path: "/bench.Echo/Stream", requestStream: true, responseStream: true, ...bytes },
  cpu: { path: "/bench.Echo/Cpu", requestStream: false, responseStream: false, ...bytes },
};

/** A request of `requestBytes` asking for a reply of `replyBytes` (a sized request is at least 4 bytes). */
export function sizedRequest(requestBytes: number, replyBytes: number): Buffer {
  const b = Buffer.alloc(Math.max(4, requestBytes), 1);
  b.writeUInt32LE(replyBytes, 0);
  return b;
}

/** Server side: replies are filled buffers kept per size, as a server keeps its encoded templates. */
export function echoImplementation(): UntypedServiceImplementation {
  const replies = new Map<number, Buffer>();
  const reply = (req: Buffer): Buffer => {
    const size = Math.min(req.length >= 4 ? req.readUInt32LE(0) : 0, 64 << 20);
    let b = replies.get(size);
    if (b === undefined) replies.set(size, (b = Buffer.alloc(size, 2)));
    return b;
  };
  return {
    echo: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, call.request),
    sized: (call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => cb(null, reply(call.request)),
    stream: (call: ServerDuplexStream<Buffer, Buffer>) => {
      call.on("data", (req: Buffer) => call.write(reply(req)));
      call.on("end", () => call.end());
      call.on("error", () => {});
    },
    cpu: (_call: ServerUnaryCall<Buffer, Buffer>, cb: sendUnaryData<Buffer>) => {
      const { user, system } = process.cpuUsage();
      cb(null, Buffer.from(JSON.stringify({ userUs: user, systemUs: system })));
    },
  };
}

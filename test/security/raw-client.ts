/** A gRPC client that sends hand-made bytes, for requests no well-behaved client would encode. */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { ConnectResponse } from "../../gen/ts/dynamind/env/v1/env_service_pb.js";

export const SERVICE = "/dynamind.env.v1.EnvService/";

export interface RawStatus {
  code: number;
  details: string;
  reason: string | undefined;
}

export function rawClient(address: string): Client {
  return new Client(address, credentials.createInsecure());
}

/** Sends `bytes` as the request of a unary method; resolves with the status (0 = OK). */
export function rawUnary(client: Client, method: string, bytes: Uint8Array, metadata = new Metadata(), timeoutMs = 10_000): Promise<RawStatus> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      SERVICE + method,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(bytes),
      metadata,
      { deadline: Date.now() + timeoutMs },
      (err: ServiceError | null) => {
        if (err === null) resolve({ code: 0, details: "", reason: undefined });
        else resolve({ code: err.code, details: err.details, reason: err.metadata?.get("dynamind-reason")[0] as string | undefined });
      },
    );
  });
}

/** A Connect stream that writes raw frames and collects decoded replies and the final status. */
export function rawConnect(client: Client, metadata = new Metadata()) {
  const replies: ConnectResponse[] = [];
  const call = client.makeBidiStreamRequest(SERVICE + "Connect", (b: Buffer) => b, (b: Buffer) => ConnectResponse.decode(b), metadata);
  call.on("data", (r: ConnectResponse) => replies.push(r));
  const status = new Promise<RawStatus>((resolve) => {
    call.on("error", (err: ServiceError) =>
      resolve({ code: err.code, details: err.details, reason: err.metadata?.get("dynamind-reason")[0] as string | undefined }),
    );
    call.on("end", () => resolve({ code: 0, details: "", reason: undefined }));
  });
  return { call, replies, status, send: (bytes: Uint8Array) => call.write(Buffer.from(bytes)) };
}

/** A StepRequest whose action index is a full 64-bit varint (the generated encoder cannot write one). */
export function stepWithIndex(sessionId: string, index: bigint): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string(sessionId);
  w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint64(index).join();
  return w.finish();
}

export function resetWithSeed(sessionId: string, seed: bigint): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string(sessionId);
  w.tag(2, WireType.Varint).uint64(seed);
  return w.finish();
}

/** A Connect request with id `requestId` wrapping `inner` as field `field` (6 = step, 5 = reset). */
export function connectFrame(requestId: number, field: number, inner: Uint8Array): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint64(requestId);
  w.tag(field, WireType.LengthDelimited).bytes(inner);
  return w.finish();
}

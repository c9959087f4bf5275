/** A bare grpc-js service that returns its request bytes: the transport's round-trip floor. */
import type { ServiceDefinition } from "@grpc/grpc-js";

export const ECHO_SERVICE: ServiceDefinition = {
  echo: {
    path: "/bench.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

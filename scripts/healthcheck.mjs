#!/usr/bin/env node
// gRPC health check of a dynamind server (grpc.health.v1.Health/Check), for container HEALTHCHECKs and
// load balancers without grpc_health_probe: exits 0 when the server answers SERVING, 1 otherwise.
//   node scripts/healthcheck.mjs [host:port] [service]     (default 127.0.0.1:50051, the whole server)
import { credentials, loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath } from "grpc-health-check";

const [address = "127.0.0.1:50051", service = ""] = process.argv.slice(2);
const { grpc } = loadPackageDefinition(loadSync(protoPath, { enums: String }));
const client = new grpc.health.v1.Health(address, credentials.createInsecure());
client.check({ service }, { deadline: Date.now() + 5000 }, (err, res) => {
  client.close();
  if (err) {
    console.error(`unhealthy: ${err.details || err.message}`);
    process.exit(1);
  }
  console.log(res.status);
  process.exit(res.status === "SERVING" ? 0 : 1);
});

/**
 * The deployment files that cannot run here (no cluster, no Envoy): deploy/kubernetes
 * and deploy/envoy. What this checks, and no more: every file parses; each Kubernetes
 * object has the apiVersion of its kind, no field outside the small schema below (which
 * catches misspelt keys), and references that resolve inside the set (selectors match pod
 * labels, Services' named target ports exist with one number, probes name real ports,
 * Secrets and ConfigMaps are the documented ones, StatefulSets name a headless Service,
 * grace periods outlast the server's drain); the proxy's nginx template passes `nginx -t`
 * and its error reply is the tested config's; the Android server configs pass the
 * server's own schema; Envoy routes the same ids to the same ports as the nginx config.
 * Not checked: the full Kubernetes OpenAPI schema, admission, scheduling, images, DNS,
 * KVM, and whether Envoy accepts its file.
 *
 * YAML is read with Debian's python3-yaml (.ci/run installs it); `kubectl kustomize`
 * runs too when kubectl is present.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { operatorConfigSchema } from "../adapters/operator-resources.js";
import { ErrorDetail, ErrorReason } from "../gen/ts/dynamind/env/v1/types_pb.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const K8S = join(ROOT, "deploy/kubernetes");
const PYTHON = "/usr/bin/python3";
const NGINX = process.env.DYNAMIND_NGINX ?? "/usr/sbin/nginx";
const hasYaml = spawnSync(PYTHON, ["-c", "import yaml"], { stdio: "ignore" }).status === 0;
if (!hasYaml) console.warn(`deploy-manifests.test.ts: skipped — ${PYTHON} cannot import yaml (apt-get install -y python3-yaml).`);
const hasNginx = existsSync(NGINX);
const hasKubectl = spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;

/** Parsed YAML: shapes are checked by the tests themselves. */
type Obj = Record<string, any>;

function loadYaml(file: string): Obj[] {
  const out = spawnSync(PYTHON, ["-c", "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))", file], {
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(`${file} does not parse: ${out.stderr}`);
  return JSON.parse(out.stdout) as Obj[];
}

const API_VERSION: Record<string, string> = {
  Namespace: "v1",
  Service: "v1",
  ConfigMap: "v1",
  StatefulSet: "apps/v1",
  Deployment: "apps/v1",
  PodDisruptionBudget: "policy/v1",
  PodMonitor: "monitoring.coreos.com/v1",
};

/** The fields used in these manifests, per object path; anything else is a typo or untested. */
const ALLOWED: Record<string, string[]> = {
  object: ["apiVersion", "kind", "metadata", "spec", "data"],
  metadata: ["name", "namespace", "labels", "annotations"],
  "Service.spec": ["clusterIP", "publishNotReadyAddresses", "selector", "ports", "type"],
  "StatefulSet.spec": ["serviceName", "replicas", "podManagementPolicy", "selector", "template"],
  "Deployment.spec": ["replicas", "selector", "template"],
  "PodDisruptionBudget.spec": ["maxUnavailable", "minAvailable", "selector"],
  "PodMonitor.spec": ["selector", "podMetricsEndpoints"],
  pod: ["nodeSelector", "terminationGracePeriodSeconds", "containers", "volumes", "securityContext"],
  container: ["name", "image", "command", "args", "env", "ports", "readinessProbe", "livenessProbe", "resources", "securityContext", "volumeMounts", "lifecycle"],
  probe: ["grpc", "tcpSocket", "httpGet", "exec", "initialDelaySeconds", "periodSeconds", "failureThreshold", "timeoutSeconds"],
};

function onlyKeys(where: string, value: Obj, allowed: string[]): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  expect(extra, `${where}: unexpected fields`).toEqual([]);
}

function matches(selector: Obj, labels: Obj | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const files = hasYaml ? readdirSync(K8S).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml") : [];
const objects = files.flatMap((f) => loadYaml(join(K8S, f)).map((o) => ({ ...o, file: f }) as Obj));
const workloads = objects.filter((o) => o.kind === "StatefulSet" || o.kind === "Deployment");
const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

describe.skipIf(!hasYaml)("deploy/kubernetes", () => {
  it("has only known kinds, at their API versions, in the dynamind namespace, with no unknown fields", () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      const where = `${o.file} ${o.kind}/${o.metadata?.name}`;
      expect(API_VERSION[o.kind], where).toBe(o.apiVersion);
      onlyKeys(where, o, [...ALLOWED.object!, "file"]);
      onlyKeys(`${where} metadata`, o.metadata, ALLOWED.metadata!);
      if (o.kind !== "Namespace") expect(o.metadata.namespace, where).toBe("dynamind");
      if (ALLOWED[`${o.kind}.spec`]) onlyKeys(`${where} spec`, o.spec, ALLOWED[`${o.kind}.spec`]!);
    }
  });

  it("lists in kustomization.yaml files that exist, and kubectl kustomize renders them when kubectl is here", () => {
    const [k] = loadYaml(join(K8S, "kustomization.yaml"));
    for (const r of k!.resources as string[]) expect(existsSync(join(K8S, r)), r).toBe(true);
    if (!hasKubectl) {
      console.warn("deploy-manifests.test.ts: no kubectl — kubectl kustomize not run");
      return;
    }
    const out = spawnSync("kubectl", ["kustomize", K8S], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    const rendered = (k!.resources as string[]).flatMap((r) => loadYaml(join(K8S, r)));
    expect(out.stdout.split(/^---$/m).length).toBe(rendered.length);
  });

  it("gives workloads pods whose labels match their selectors, real probe ports, resources, and the documented Secret", () => {
    for (const w of workloads) {
      const where = `${w.kind}/${w.metadata.name}`;
      const pod = w.spec.template.spec;
      expect(matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels), `${where} selector`).toBe(true);
      onlyKeys(`${where} pod`, pod, ALLOWED.pod!);
      if (w.kind === "StatefulSet") expect(named("Service", w.spec.serviceName)?.spec.clusterIP, `${where} serviceName`).toBe("None");
      for (const c of pod.containers as Obj[]) {
        onlyKeys(`${where} ${c.name}`, c, ALLOWED.container!);
        const ports = new Map((c.ports as Obj[]).map((p) => [p.name as string, p.containerPort as number]));
        for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean) as Obj[]) {
          onlyKeys(`${where} probe`, probe, ALLOWED.probe!);
          // Kubernetes takes only a number in a gRPC probe.
          if (probe.grpc) expect([...ports.values()], `${where} grpc probe port`).toContain(probe.grpc.port);
          if (probe.tcpSocket) expect(ports.has(probe.tcpSocket.port) || [...ports.values()].includes(probe.tcpSocket.port), `${where} tcp probe`).toBe(true);
        }
        expect(c.resources?.requests?.cpu, `${where} cpu request`).toBeDefined();
        expect(c.resources?.requests?.memory, `${where} memory request`).toBeDefined();
        for (const e of (c.env ?? []) as Obj[]) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect([ref.name, ["state-key", "token"].includes(ref.key)], `${where} ${e.name}`).toEqual(["dynamind-secrets", true]);
        }
        const annotations = w.spec.template.metadata.annotations ?? {};
        if (annotations["prometheus.io/scrape"] === "true") expect(ports.get("metrics"), `${where} metrics port`).toBe(Number(annotations["prometheus.io/port"]));
        for (const v of (pod.volumes ?? []) as Obj[]) if (v.configMap) expect(named("ConfigMap", v.configMap.name), `${where} volume ${v.name}`).toBeDefined();
      }
    }
  });

  it("drains servers within their grace period, with health-based readiness, ids from the pod name and a shared state key", () => {
    const servers = workloads.filter((w) => w.spec.template.metadata.labels["app.kubernetes.io/part-of"] === "dynamind-fleet");
    expect(servers.length).toBeGreaterThanOrEqual(2);
    for (const w of servers) {
      const pod = w.spec.template.spec;
      const c = pod.containers[0] as Obj;
      const argv = [...(c.command ?? []), ...(c.args ?? [])].join(" ");
      const drain = Number(/--drain-seconds[ =](\d+)/.exec(argv)?.[1]);
      expect(drain, `${w.metadata.name} --drain-seconds`).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drain);
      expect(c.readinessProbe.grpc.service).toBe("dynamind.env.v1.EnvService");
      const env = new Map((c.env as Obj[]).map((e) => [e.name, e]));
      expect(env.get("DYNAMIND_SERVER_ID")?.valueFrom.fieldRef.fieldPath).toBe("metadata.name");
      expect(env.has("DYNAMIND_STATE_KEY") && env.has("DYNAMIND_TOKEN")).toBe(true);
      // The pod name is the server id, so it must be a valid one: <statefulset>-<ordinal>.
      expect(`${w.metadata.name}-99`).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
    }
  });

  it("points every Service and disruption budget at pods, and each named target port at one port number", () => {
    for (const s of objects.filter((o) => o.kind === "Service" || o.kind === "PodDisruptionBudget" || o.kind === "PodMonitor")) {
      const selector = s.kind === "Service" ? s.spec.selector : s.spec.selector.matchLabels;
      const selected = workloads.filter((w) => matches(selector, w.spec.template.metadata.labels));
      expect(selected.length, `${s.kind}/${s.metadata.name} selects no pods`).toBeGreaterThan(0);
      if (s.kind !== "Service") continue;
      for (const p of s.spec.ports as Obj[]) {
        const numbers = new Set(
          selected.map((w) => ((w.spec.template.spec.containers as Obj[]).flatMap((c) => c.ports as Obj[]).find((cp) => cp.name === p.targetPort) ?? {}).containerPort),
        );
        expect([...numbers], `Service/${s.metadata.name} port ${p.name}`).toHaveLength(1);
        expect([...numbers][0], `Service/${s.metadata.name} port ${p.name}`).toBeTypeOf("number");
      }
    }
  });

  it("gives each Android server a config the server's own schema accepts, one device each", () => {
    const devices = named("ConfigMap", "dynamind-android-devices")!;
    const android = named("StatefulSet", "dynamind-android")!;
    expect(Object.keys(devices.data).sort()).toEqual(Array.from({ length: android.spec.replicas }, (_, i) => `dynamind-android-${i}.json`));
    const seen = new Set<string>();
    for (const text of Object.values(devices.data) as string[]) {
      const config = operatorConfigSchema.parse(JSON.parse(text));
      for (const d of Object.values(config.android!.devices!)) {
        expect(seen.has(d.serial), "a device owned by two servers").toBe(false);
        seen.add(d.serial);
      }
    }
  });

  it.skipIf(!hasNginx)("has a proxy config that nginx -t accepts, with the tested config's error reply", () => {
    const template = named("ConfigMap", "dynamind-proxy")!.data["dynamind.conf.template"] as string;
    const dir = mkdtempSync(join(tmpdir(), "dynamind-nginx-t-"));
    try {
      writeFileSync(join(dir, "dynamind.conf"), template.replaceAll("${NGINX_LOCAL_RESOLVERS}", "127.0.0.1"));
      const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : "";
      writeFileSync(join(dir, "nginx.conf"), `${user}\npid ${dir}/nginx.pid;\nevents {}\nhttp { include ${dir}/dynamind.conf; }\n`);
      const t = spawnSync(NGINX, ["-t", "-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")], { encoding: "utf8" });
      expect(t.status, t.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const tested = readFileSync(join(ROOT, "deploy/nginx/dynamind.conf"), "utf8");
    expect(unreachableBlock(template)).toBe(unreachableBlock(tested));
  });
});

/** The `location @dynamind_unreachable { ... }` block, whitespace-normalised. */
function unreachableBlock(conf: string): string {
  const m = /location @dynamind_unreachable \{[^}]*\}/.exec(conf);
  expect(m, "no @dynamind_unreachable location").not.toBeNull();
  return m![0].replace(/\s+/g, " ");
}

describe("deploy/nginx and deploy/envoy", () => {
  const nginx = readFileSync(join(ROOT, "deploy/nginx/dynamind.conf"), "utf8");

  it("send, for an unreachable server, the protocol's ErrorDetail: UNAVAILABLE, SERVER_UNREACHABLE, retryable", () => {
    const b64 = /dynamind-error-bin "([^"]+)"/.exec(nginx)![1]!;
    const detail = ErrorDetail.decode(Buffer.from(b64, "base64"));
    expect([detail.code, detail.reason, detail.retryable]).toEqual([14, ErrorReason.SERVER_UNREACHABLE, true]);
    expect(nginx).toContain(`grpc-message "${detail.message}"`);
  });

  it.skipIf(!hasYaml)("Envoy routes the same server ids to the same ports as nginx, and every route to a defined cluster (parsed, not run)", () => {
    const [envoy] = loadYaml(join(ROOT, "deploy/envoy/envoy.yaml"));
    const clusters = new Map<string, number[]>(
      (envoy!.static_resources.clusters as Obj[]).map((c) => [
        c.name,
        (c.load_assignment.endpoints as Obj[]).flatMap((e) => (e.lb_endpoints as Obj[]).map((l) => l.endpoint.address.socket_address.port_value as number)),
      ]),
    );
    const hcm = envoy!.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const routes = hcm.route_config.virtual_hosts[0].routes as Obj[];
    const envoyRoutes = new Map<string, number[]>();
    for (const r of routes) {
      expect(clusters.has(r.route.cluster), r.route.cluster).toBe(true);
      const header = (r.match.headers ?? [])[0];
      envoyRoutes.set(header ? header.string_match.exact : "default", clusters.get(r.route.cluster)!);
    }
    // nginx: map entry -> upstream name -> its server ports.
    const upstreams = new Map<string, number[]>();
    for (const m of nginx.matchAll(/upstream (\w+) \{([^}]*)\}/g)) upstreams.set(m[1]!, [...m[2]!.matchAll(/server [\d.]+:(\d+)/g)].map((s) => Number(s[1])));
    const map = /map \$http_x_dynamind_route \$dynamind_backend \{([^}]*)\}/.exec(nginx)![1]!;
    const nginxRoutes = new Map<string, number[]>();
    for (const [, key, upstream] of map.matchAll(/^\s*([\w-]+)\s+(\w+);/gm)) nginxRoutes.set(key!, upstreams.get(upstream!)!);
    expect(Object.fromEntries(envoyRoutes)).toEqual(Object.fromEntries(nginxRoutes));
    const bin = (hcm.local_reply_config.mappers[0].headers_to_add as Obj[]).find((h) => h.header.key === "dynamind-error-bin")!.header.value;
    expect(bin).toBe(/dynamind-error-bin "([^"]+)"/.exec(nginx)![1]);
  });
});

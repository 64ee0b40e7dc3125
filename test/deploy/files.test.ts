// The container and deployment files (issue 19.4), read rather than run: no Docker engine or cluster
// here. Each test names one property that a deployment relies on and fails when it is removed. The
// health check commands are the exception: they are run, against a local server, as node would.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

type Obj = Record<string, any>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { files: string[]; bin: Record<string, string>; peerDependenciesMeta?: Record<string, unknown> };

// --- Dockerfile ---------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | undefined;
  body: Instruction[];
}

function dockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Docker drops comment lines, even in the middle of a continued instruction.
    if (line.startsWith('#') || (!line && !pending)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (!whole) continue;
    const keyword = whole.split(/\s+/)[0]!;
    const instruction = { keyword: keyword.toUpperCase(), args: whole.slice(keyword.length).trim() };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      stages.push({ image, name: as?.toLowerCase() === 'as' ? name : undefined, body: [] });
    } else {
      if (!stages.length) throw new Error(`Dockerfile: ${keyword} before any FROM`);
      stages.at(-1)!.body.push(instruction);
    }
  }
  return stages;
}

const STAGES = dockerfile(read('Dockerfile'));
const FINAL = STAGES.at(-1)!;
const runs = (stage: Stage): string[] => stage.body.filter((i) => i.keyword === 'RUN').map((i) => i.args.replace(/\s+/g, ' '));
const last = (stage: Stage, keyword: string): Instruction | undefined => stage.body.filter((i) => i.keyword === keyword).at(-1);
const stageNamed = (ref: string): Stage | undefined => STAGES.find((s) => s.name === ref) ?? STAGES[Number(ref)];
const execForm = (args: string): string[] => JSON.parse(args) as string[];

/** An npm install of everything (dev dependencies too), or one that leaves them out. */
const INSTALL = /\bnpm (?:ci|install|i)\b[^;&|]*/g;
const INSTALLS = /\bnpm (?:ci|install|i)\b/;
const OMITS_DEV = /--omit[= ]dev\b|--production\b/;
const PRUNE = /\bnpm prune\b[^;&|]*--omit[= ]dev\b/;

/** Whether the node_modules a stage ends with holds production dependencies only. */
function productionOnly(stage: Stage): boolean {
  let prod = false;
  for (const run of runs(stage)) {
    for (const install of run.match(INSTALL) ?? []) prod = OMITS_DEV.test(install);
    if (PRUNE.test(run)) prod = true;
  }
  return prod;
}

interface Copy {
  from: string | undefined;
  sources: string[];
}
function copies(stage: Stage): Copy[] {
  return stage.body
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.startsWith('[') ? execForm(i.args) : i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: words.filter((w) => !w.startsWith('--')).slice(0, -1) };
    });
}
/** A source path as a path of the repository: the build stage's /app/dist/ is dist. */
const repoPath = (source: string): string =>
  source
    .replace(/^\/app\//, '')
    .replace(/^\.\//, '')
    .replace(/\/$/, '');

/** Exit code of a health check command against a server answering its health path with `status` (null: nothing listens). */
async function healthExit(command: string[], status: number | null): Promise<number | null> {
  expect(command[0]).toBe('node');
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/__flowtwin/health' ? status! : 404;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  if (status === null) server.close();
  try {
    const child = spawn(process.execPath, command.slice(1), { env: { ...process.env, FLOWTWIN_PORT: String(port) }, stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number | null];
    return code;
  } finally {
    if (status !== null) server.close();
  }
}

async function expectHealthCheck(command: string[]): Promise<void> {
  expect(command.join(' ')).toContain('/__flowtwin/health');
  expect(await healthExit(command, 200)).toBe(0);
  expect(await healthExit(command, 503)).toBe(1);
  expect(await healthExit(command, null)).toBe(1);
}

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, on a maintained Node (22 or later)', () => {
    expect(STAGES.length).toBeGreaterThanOrEqual(2);
    let image = FINAL.image;
    for (let stage = stageNamed(image); stage; stage = stageNamed(image)) image = stage.image;
    const major = /^node:(\d+)/.exec(image)?.[1];
    expect(major, `the final image ${image} is not node:<version>`).toBeDefined();
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    for (const stage of STAGES.filter((s) => s.image.startsWith('node:'))) expect(Number(/^node:(\d+)/.exec(stage.image)?.[1])).toBeGreaterThanOrEqual(22);
  });

  it('installs and builds as .ci/run does (each of its install and build commands), in that order', () => {
    const ciSteps = read('.ci/run')
      .split('\n')
      .map((l) => l.trim().replace(/\s+/g, ' '))
      .filter((l) => /^npm (ci|install|i|run build)\b/.test(l) && !l.includes('--prefix'));
    expect(ciSteps.length).toBeGreaterThanOrEqual(2);
    const build = STAGES.slice(0, -1).flatMap(runs);
    const at = ciSteps.map((step) => build.findIndex((run) => run.split(/ ?&& ?/).some((part) => part === step || part.startsWith(`${step} `))));
    for (const [i, step] of ciSteps.entries()) expect(at[i], `"${step}" (from .ci/run) in a build stage`).toBeGreaterThanOrEqual(0);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('gives the runtime production dependencies only', () => {
    const modules = copies(FINAL).find((c) => c.sources.some((s) => repoPath(s) === 'node_modules'));
    const source = modules?.from === undefined ? FINAL : stageNamed(modules.from);
    expect(source, 'the stage the final node_modules comes from').toBeDefined();
    expect(productionOnly(source!)).toBe(true);
    expect(productionOnly(FINAL) || !runs(FINAL).some((r) => INSTALLS.test(r))).toBe(true);
  });

  it('keeps the store drivers the package leaves as optional peers: they become dependencies before the prune', () => {
    const modules = copies(FINAL).find((c) => c.sources.some((s) => repoPath(s) === 'node_modules'));
    const stage = (modules?.from === undefined ? FINAL : stageNamed(modules.from))!;
    const all = runs(stage).flatMap((r) => r.split(/ ?&& ?/));
    const moved = all.indexOf('node scripts/image-dependencies.mjs');
    expect(moved, 'scripts/image-dependencies.mjs runs').toBeGreaterThanOrEqual(0);
    expect(moved).toBeLessThan(all.findIndex((r) => PRUNE.test(r)));
    const drivers = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((d) => d !== 'nock');
    expect(drivers.sort()).toEqual(['better-sqlite3', 'ioredis']);
    // What the script makes of this repository's package.json: each driver a dependency at the range the tests ran with.
    const dir = mkdtempSync(join(tmpdir(), 'flowtwin-image-'));
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'image-dependencies.mjs'), join(dir, 'package.json')]);
    const image = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const dev = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    for (const driver of drivers) {
      expect(image.dependencies[driver]).toBe(dev.devDependencies[driver]);
      expect(image.devDependencies).not.toHaveProperty(driver);
    }
  });

  it('copies what dist/ reads at run time: package.json, node_modules and every directory the package ships', () => {
    const copied = new Set(copies(FINAL).flatMap((c) => c.sources.map(repoPath)));
    for (const path of ['package.json', 'node_modules', ...pkg.files]) expect(copied, path).toContain(path);
  });

  it('runs as the node user, listening on every interface on the port it exposes, in production mode', () => {
    expect(last(FINAL, 'USER')?.args).toBe('node');
    const env = Object.fromEntries(
      FINAL.body
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) => i.args.split(/\s+/))
        .map((kv) => kv.split('=') as [string, string]),
    );
    expect(env).toMatchObject({ NODE_ENV: 'production', FLOWTWIN_HOST: '0.0.0.0', FLOWTWIN_PORT: '4010' });
    expect(last(FINAL, 'EXPOSE')?.args).toBe(env.FLOWTWIN_PORT);
  });

  it('offers /data, writable by node, for a SQLite store', () => {
    expect(FINAL.body.some((i) => i.keyword === 'VOLUME' && /(^|[\s["])\/data\b/.test(i.args))).toBe(true);
    expect(runs(FINAL).some((r) => /\bmkdir\b[^&;]*\/data\b/.test(r) && /\bchown\b[^&;]*\bnode\b[^&;]*\/data\b/.test(r))).toBe(true);
  });

  it('checks health with node itself on /__flowtwin/health: 0 when it answers 2xx, 1 otherwise', async () => {
    const check = last(FINAL, 'HEALTHCHECK');
    expect(check, 'a HEALTHCHECK in the final stage').toBeDefined();
    const cmd = /\bCMD\s+(\[.*\])\s*$/.exec(check!.args)?.[1];
    expect(cmd, 'HEALTHCHECK CMD in exec form').toBeDefined();
    await expectHealthCheck(execForm(cmd!));
  });

  it('has flowtwin as its command, serve by default', () => {
    expect(execForm(last(FINAL, 'ENTRYPOINT')!.args)).toEqual(['flowtwin']);
    expect(execForm(last(FINAL, 'CMD')!.args)).toEqual(['serve']);
    // The link's target must run on its own: executable, with a shebang (tsc keeps the source's).
    expect(pkg.bin.flowtwin).toBe('dist/cli.js');
    expect(read('src/cli.ts').split('\n')[0]).toBe('#!/usr/bin/env node');
    const linked = runs(FINAL).join(' && ');
    expect(linked).toMatch(/\bln -s \S*dist\/cli\.js \/usr\/local\/bin\/flowtwin\b/);
    expect(linked).toMatch(/\bchmod \+x \S*dist\/cli\.js\b/);
  });
});

// --- .dockerignore --------------------------------------------------------------------------------

/** Docker's matching: patterns from the context root, `**` any depth, a match on a parent excludes the children, the last match wins. */
function dockerignored(patterns: string[], path: string): boolean {
  const regex = (pattern: string): RegExp => {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '*' && pattern[i + 1] === '*') {
        out += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += pattern[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') out += '[^/]*';
      else if (c === '?') out += '[^/]';
      else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${out}$`);
  };
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const re = regex((negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, ''));
    if (prefixes.some((p) => re.test(p))) ignored = !negated;
  }
  return ignored;
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
const IGNORE = lines(read('.dockerignore'));

describe('.dockerignore', () => {
  it('keeps out node_modules (nested too), dist, .git and local SQLite stores', () => {
    for (const path of [
      'node_modules',
      'examples/consumer/node_modules/x',
      'dist/cli.js',
      '.git/HEAD',
      'flowtwin.db',
      'data/flowtwin.db-wal',
      'flowtwin.db-shm',
      '.env',
    ]) {
      expect(dockerignored(IGNORE, path), path).toBe(true);
    }
  });

  it('keeps out everything .gitignore names (generated, never in a clean clone)', () => {
    for (const pattern of lines(read('.gitignore'))) {
      const sample = pattern.replace(/\/$/, '').replace(/\*/g, 'sample');
      expect(dockerignored(IGNORE, sample), pattern).toBe(true);
    }
  });

  it('lets in what npm ci and npm run build read', () => {
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/cli.ts', 'scripts/build-specs.mjs'];
    const shipped = { specs: 'specs/flowtwin-control.yaml', fixtures: 'fixtures/default.json', ui: 'ui/index.html' } as Record<string, string>;
    for (const path of [...needed, ...pkg.files.filter((f) => f !== 'dist').map((f) => shipped[f] ?? f)]) expect(dockerignored(IGNORE, path), path).toBe(false);
  });
});

// --- deploy/compose.yaml ----------------------------------------------------------------------------

const COMPOSE = parse(read('deploy/compose.yaml')) as Obj;
const SERVICES = COMPOSE.services as Record<string, Obj>;
const serviceWithImage = (re: RegExp): [string, Obj] => Object.entries(SERVICES).find(([, s]) => re.test(String(s.image ?? '')))!;
const [REDIS_NAME, REDIS] = serviceWithImage(/^redis(:|$)/);
const [, LB] = serviceWithImage(/^nginx(:|$)/);
const [FLOWTWIN_NAME, FLOWTWIN] = Object.entries(SERVICES).find(([, s]) => s.build !== undefined)!;
const commandOf = (value: unknown): string => (Array.isArray(value) ? value.join(' ') : String(value ?? ''));

function nginxConfig(): string {
  const mounted = (LB.configs as Obj[] | undefined)?.find((c) => String(c.target).startsWith('/etc/nginx/'));
  if (mounted) {
    const config = (COMPOSE.configs as Record<string, Obj>)[mounted.source as string]!;
    if (config.file) return readFileSync(resolve(ROOT, 'deploy', config.file as string), 'utf8');
    const content = config.content as string;
    // Inline, compose would substitute nginx's $variables: each must be written $$.
    expect(content.replace(/\$\$/g, '')).not.toContain('$');
    return content.replace(/\$\$/g, '$');
  }
  const bind = (LB.volumes as string[]).find((v) => v.includes(':/etc/nginx/'))!;
  return readFileSync(resolve(ROOT, 'deploy', bind.split(':')[0]!), 'utf8');
}

describe('deploy/compose.yaml', () => {
  it('restarts every service unless stopped', () => {
    for (const [name, service] of Object.entries(SERVICES)) expect(service.restart, name).toBe('unless-stopped');
  });

  it('keeps Redis data (append-only) in a named volume, and checks Redis with redis-cli ping', () => {
    expect(commandOf(REDIS.command)).toMatch(/--appendonly yes\b/);
    const volume = (REDIS.volumes as string[]).map((v) => v.split(':')).find(([, target]) => target === '/data');
    expect(volume, 'a volume at /data').toBeDefined();
    expect(Object.keys(COMPOSE.volumes ?? {})).toContain(volume![0]);
    expect(commandOf(REDIS.healthcheck?.test)).toMatch(/\bredis-cli ping\b/);
  });

  it('starts flowtwin on the Redis store once Redis is healthy, with the control token required', () => {
    expect(FLOWTWIN.depends_on?.[REDIS_NAME]?.condition).toBe('service_healthy');
    expect(FLOWTWIN.environment.FLOWTWIN_STORE).toMatch(new RegExp(`^redis://${REDIS_NAME}:6379/`));
    expect(FLOWTWIN.environment.FLOWTWIN_CONTROL_TOKEN).toMatch(/^\$\{FLOWTWIN_CONTROL_TOKEN:\?/);
  });

  it("checks flowtwin's health with node on /__flowtwin/health", async () => {
    const test = FLOWTWIN.healthcheck?.test as string[];
    expect(test?.[0]).toBe('CMD');
    await expectHealthCheck(test.slice(1));
  });

  it('starts nginx once flowtwin is healthy', () => {
    expect(LB.depends_on?.[FLOWTWIN_NAME]?.condition).toBe('service_healthy');
  });

  it('has nginx pass the Host the client signed (Huawei AK/SK), the forwarding headers, and stream SSE unbuffered', () => {
    const conf = nginxConfig().replace(/#.*$/gm, '');
    expect(conf).toMatch(/proxy_set_header\s+Host\s+\$http_host\s*;/);
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for\s*;/);
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme\s*;/);
    expect(conf).toMatch(/proxy_buffering\s+off\s*;/);
  });
});

// --- deploy/kubernetes.yaml -------------------------------------------------------------------------

const K8S = parseAllDocuments(read('deploy/kubernetes.yaml'))
  .map((d) => d.toJS() as Obj | null)
  .filter((d): d is Obj => d !== null);
const WORKLOADS = K8S.filter((d) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(d.kind as string));
const podOf = (w: Obj): Obj => w.spec.template.spec as Obj;
const containersOf = (w: Obj): Obj[] => [...((podOf(w).initContainers as Obj[]) ?? []), ...(podOf(w).containers as Obj[])];
const workloadWith = (re: RegExp): Obj => WORKLOADS.find((w) => containersOf(w).some((c) => re.test(c.image as string)))!;
const FT_WORKLOAD = workloadWith(/flowtwin/);
const FT = containersOf(FT_WORKLOAD).find((c) => /flowtwin/.test(c.image as string))!;
const REDIS_WORKLOAD = workloadWith(/^redis(:|$)/);
const REDIS_C = containersOf(REDIS_WORKLOAD).find((c) => /^redis(:|$)/.test(c.image as string))!;

describe('deploy/kubernetes.yaml', () => {
  it('gives every container cpu and memory requests and limits', () => {
    expect(WORKLOADS.length).toBeGreaterThanOrEqual(2);
    for (const c of WORKLOADS.flatMap(containersOf)) {
      for (const kind of ['requests', 'limits'])
        expect(Object.keys(c.resources?.[kind] ?? {}), `${c.name} ${kind}`).toEqual(expect.arrayContaining(['cpu', 'memory']));
    }
  });

  it('runs flowtwin as non-root node (1000), no privilege escalation, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    const pod = { ...podOf(FT_WORKLOAD).securityContext, ...FT.securityContext } as Obj;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBe(1000);
    expect(pod.seccompProfile?.type).toBe('RuntimeDefault');
    expect(FT.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(FT.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(FT.securityContext?.capabilities?.drop).toContain('ALL');
  });

  it("probes flowtwin's readiness and liveness on /__flowtwin/health, on its port", () => {
    const port = FT.ports[0].containerPort as number;
    for (const probe of ['readinessProbe', 'livenessProbe']) expect(FT[probe]?.httpGet, probe).toMatchObject({ path: '/__flowtwin/health', port });
    // SIGTERM's drain cuts the connections still open after 5 s, then closes the store: give it that.
    expect(podOf(FT_WORKLOAD).terminationGracePeriodSeconds).toBeGreaterThan(5);
  });

  it('keeps Redis data (append-only) on a persistent volume at /data, and probes it with redis-cli ping', () => {
    expect(commandOf([...(REDIS_C.command ?? []), ...(REDIS_C.args ?? [])])).toMatch(/--appendonly yes\b/);
    const mount = (REDIS_C.volumeMounts as Obj[]).find((m) => m.mountPath === '/data');
    expect(mount, 'a volume mounted at /data').toBeDefined();
    const templates = ((REDIS_WORKLOAD.spec.volumeClaimTemplates as Obj[]) ?? []).map((t) => t.metadata.name as string);
    if (!templates.includes(mount!.name)) {
      const claim = (podOf(REDIS_WORKLOAD).volumes as Obj[]).find((v) => v.name === mount!.name)?.persistentVolumeClaim?.claimName;
      expect(
        K8S.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === claim),
        `PersistentVolumeClaim ${claim}`,
      ).toBe(true);
      // A ReadWriteOnce claim cannot be mounted by the next pod while the old one holds it.
      if (REDIS_WORKLOAD.kind === 'Deployment') expect(REDIS_WORKLOAD.spec.strategy?.type).toBe('Recreate');
    }
    for (const probe of ['readinessProbe', 'livenessProbe']) expect(commandOf(REDIS_C[probe]?.exec?.command), probe).toMatch(/^redis-cli ping$/);
  });

  it("points flowtwin's store at the Service in front of Redis", () => {
    const store = (FT.env as Obj[]).find((e) => e.name === 'FLOWTWIN_STORE')?.value as string;
    const host = new URL(store).hostname;
    const service = K8S.find((d) => d.kind === 'Service' && d.metadata.name === host);
    expect(service, `Service ${host}`).toBeDefined();
    expect(REDIS_WORKLOAD.spec.template.metadata.labels).toMatchObject(service!.spec.selector as Obj);
  });
});

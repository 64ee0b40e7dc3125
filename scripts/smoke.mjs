// Waits for a flowtwin at the given URL to be healthy and checks that it serves seeded data.
// Used by .ci/run against `npm start` (the README's first command).
const base = process.argv[2] ?? 'http://127.0.0.1:4010';
const deadline = Date.now() + 90_000;
const keys = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };

for (;;) {
  try {
    const res = await fetch(`${base}/__flowtwin/health`);
    if (res.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    console.error(`smoke: ${base} did not become healthy`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
const res = await fetch(`${base}/api/v2/workflows?filter%5BincludeUnpublished%5D=true`, { headers: keys });
const body = await res.json();
if (res.status !== 200 || !Array.isArray(body.data) || body.data.length === 0) {
  console.error(`smoke: expected seeded workflows, got ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  process.exit(1);
}
console.log(`smoke: ${base} is healthy and serves ${body.data.length} seeded workflows`);

// SecMaster side by side: the seeded project answers with a token (any token passes when no
// credentials are configured).
const project = '0123456789abcdef0123456789abcdef';
const workspace = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const sm = await fetch(`${base}/v1/${project}/workspaces/${workspace}/soc/playbooks/instances?limit=10&offset=0`, { headers: { 'X-Auth-Token': 'smoke' } });
const smBody = await sm.json();
if (sm.status !== 200 || !(smBody.count > 0) || !sm.headers.get('x-request-id')) {
  console.error(`smoke: expected seeded SecMaster instances, got ${sm.status} ${JSON.stringify(smBody).slice(0, 300)}`);
  process.exit(1);
}
console.log(`smoke: SecMaster serves ${smBody.count} seeded playbook instances`);

// The dashboard ships as plain files next to dist/: the built server must find them.
for (const [path, type] of [['/__flowtwin/ui', 'text/html'], ['/__flowtwin/ui/app.js', 'text/javascript'], ['/__flowtwin/ui/style.css', 'text/css']]) {
  const page = await fetch(`${base}${path}`);
  if (page.status !== 200 || !page.headers.get('content-type')?.startsWith(type)) {
    console.error(`smoke: expected ${path} as ${type}, got ${page.status} ${page.headers.get('content-type')}`);
    process.exit(1);
  }
}
const listed = await (await fetch(`${base}/__flowtwin/instances`)).json();
console.log(`smoke: the dashboard is served at ${base}/__flowtwin/ui (${listed.total} instances listed)`);

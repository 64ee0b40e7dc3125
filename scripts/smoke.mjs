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

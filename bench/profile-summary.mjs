// node bench/profile-summary.mjs <file.cpuprofile> [top=20] [--by-package]: self time per function (or
// per package, for start-up where the cost is spread over a library), highest first, so a --cpu-prof
// run (npm run bench -- --profile <dir>) reads as a list of what to fix.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const byPackage = process.argv.includes('--by-package');
const [file, top = '20'] = process.argv.slice(2).filter((a) => a !== '--by-package');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
// timeDeltas[i] is the time before samples[i]; charging it to the sampled node is V8's own convention.
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (/\/(dist|src)\/([^/]+)/.exec(url)?.slice(1, 3).join('/') || url.split(':')[0] || functionName);
  const key = byPackage ? pkg : `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
console.log(`| self % | self ms | function |\n| ---: | ---: | --- |`);
for (const [key, us] of rows) console.log(`| ${((100 * us) / total).toFixed(1)} | ${(us / 1000).toFixed(0)} | \`${key}\` |`);

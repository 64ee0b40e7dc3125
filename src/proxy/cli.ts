// `flowtwin proxy`: runs until SIGINT or SIGTERM, then writes the recording once more and exits 0.
import { parseCommandArgs } from '../cli/parse-args.js';
import { VERSION } from '../version.js';
import { FIXTURES_FILE, HAR_FILE } from './recorder.js';
import { ProxyUsageError, startProxy, upstreamUrl } from './server.js';
import { isProxyVendor, PROXY_VENDORS } from './vendors.js';

export { ProxyUsageError };

export const PROXY_USAGE =
  `flowtwin proxy --upstream <vendor base URL> [--vendor ${Object.keys(PROXY_VENDORS).join('|')}]\n` +
  `               [--port 4011] [--host 127.0.0.1] [--record <dir>]

  Forwards every request to the upstream unchanged and logs to stderr each way its answers break
  the vendor's spec. --vendor defaults to the upstream host's vendor, else each request's route.
  --record writes <dir>/${HAR_FILE} (secrets masked) and <dir>/${FIXTURES_FILE} (for serve --seed).`;

export async function proxyCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('proxy', argv, {
    upstream: { type: 'string' },
    vendor: { type: 'string' },
    port: { type: 'string', default: '4011' },
    host: { type: 'string', default: '127.0.0.1' },
    record: { type: 'string' },
  });
  if (!values.upstream) throw new ProxyUsageError(`--upstream <vendor base URL> is required\n\n${PROXY_USAGE}`);
  upstreamUrl(values.upstream);
  if (values.vendor !== undefined && !isProxyVendor(values.vendor))
    throw new ProxyUsageError(
      `--vendor must be one of ${Object.keys(PROXY_VENDORS).join(', ')}, got "${values.vendor}"`,
    );
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535)
    throw new ProxyUsageError(`--port must be an integer from 0 to 65535, got "${values.port}"`);

  const proxy = await startProxy({
    upstream: values.upstream,
    ...(values.vendor ? { vendor: values.vendor } : {}),
    port,
    host: values.host,
    ...(values.record ? { record: values.record } : {}),
    log: (line) => console.error(line),
    access: (line) => console.log(line),
  });
  console.log(`flowtwin ${VERSION} proxy to ${proxy.upstream.origin} listening on ${proxy.url}`);
  console.log(
    `checked against: ${proxy.vendor ?? 'the spec whose route each request matches'}` +
      `${values.record ? `; recording to ${values.record}` : ''}`,
  );
  await new Promise<void>((resolve) => {
    const shutdown = () => void proxy.stop().then(resolve);
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  return 0;
}

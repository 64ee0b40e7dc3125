// One autocannon run, reduced to what the table shows.
import autocannon from 'autocannon';

export async function drive(url, requests, { duration, connections, amount }) {
  const started = performance.now();
  const r = await autocannon({ url, connections, requests, timeout: 60, ...(amount ? { amount } : { duration }) });
  const seconds = (performance.now() - started) / 1000;
  // Only 2xx count as served: an error answer is cheaper than the work being measured. autocannon
  // counts the bytes of 2xx answers only, headers included, so bytes per answer is per 2xx too.
  return {
    rps: r['2xx'] / seconds,
    bytes: r['2xx'] ? r.throughput.total / r['2xx'] : undefined,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

/** Creates `count` running instances over HTTP and returns their ids (the cancel workload's targets). */
export async function createPool(url, request, count, connections) {
  const ids = [];
  const onResponse = (status, body) => {
    if (status < 300) ids.push(JSON.parse(body).data.id);
  };
  await autocannon({ url, connections, amount: count, timeout: 60, requests: [{ ...request, onResponse }] });
  return ids;
}

// The ceiling: node:http answering every request with the same bytes, no routing, no JSON work.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.argv[2]);
const headers = { 'content-type': 'application/json', 'content-length': body.length };
const server = createServer((req, res) => {
  // Drain request bodies so POST/PUT workloads keep the connection reusable, as a real server must.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(body);
  });
});
server.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

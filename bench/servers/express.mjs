// The peer most fakes are built on: express 5 serializing the same object with res.json per request.
import { readFileSync } from 'node:fs';
import express from 'express';

const object = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const app = express();
app.use((_req, res) => res.json(object));
const server = app.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

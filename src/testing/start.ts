// startFlowtwin: a flowtwin on a free loopback port for one suite, with a typed control client.
// Every server started is registered: closeAll() stops them (afterAll), and none keeps a test
// runner alive when a suite forgets to close it.
import './polyfills.js';
import { serve, type RunningFlowtwin } from '../serve.js';
import { controlClient, type ControlClient } from './control.js';
import { prepare, type TestFlowtwinOptions } from './options.js';

export interface StartOptions extends Omit<TestFlowtwinOptions, 'controlToken'> {
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * The control plane's token; `control` sends it. Absent: none on loopback, a generated one on any
   * other host (read it from `controlToken`). `false`: none wherever it listens.
   */
  controlToken?: string | false;
}

export interface StartedFlowtwin extends AsyncDisposable {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The base URL to give a Datadog client (same server). */
  datadogUrl: string;
  /** The endpoint to give a SecMaster client (same server). */
  secmasterUrl: string;
  /** The endpoint of the fake Huawei IAM (same server). */
  iamUrl: string;
  control: ControlClient;
  /** What control calls must carry as X-Flowtwin-Control-Token; undefined when the control plane is open. */
  controlToken: string | undefined;
  /** The running server and its parts (clock, journal, store), for what the control plane does not offer. */
  flowtwin: RunningFlowtwin;
  /** Closes the control client's event streams, then stops the server. Safe to call twice. */
  close(): Promise<void>;
}

const running = new Set<StartedFlowtwin>();

export async function startFlowtwin(options: StartOptions = {}): Promise<StartedFlowtwin> {
  const { host = '127.0.0.1', controlToken, ...rest } = options;
  const prepared = prepare(rest);
  const flowtwin = await serve({
    ...prepared.options,
    host,
    port: 0,
    ...(controlToken !== undefined ? { controlToken } : {}),
  });
  await prepared.started(flowtwin);
  // A forgotten server must not hold the process open: neither it nor its connections keep the loop alive.
  flowtwin.server.unref();
  flowtwin.server.on('connection', (socket) => socket.unref());

  const control = controlClient(
    flowtwin.url,
    flowtwin.controlToken !== undefined ? { controlToken: flowtwin.controlToken } : {},
  );
  let closing: Promise<void> | undefined;
  const started: StartedFlowtwin = {
    url: flowtwin.url,
    datadogUrl: flowtwin.url,
    secmasterUrl: flowtwin.url,
    iamUrl: flowtwin.url,
    control,
    controlToken: flowtwin.controlToken,
    flowtwin,
    close: () =>
      (closing ??= (async () => {
        running.delete(started);
        await control.close();
        await flowtwin.stop();
      })()),
    [Symbol.asyncDispose]: () => started.close(),
  };
  running.add(started);
  return started;
}

/** Stops every flowtwin startFlowtwin started and has not closed yet (for afterAll). */
export async function closeAll(): Promise<void> {
  await Promise.all([...running].map((ft) => ft.close()));
}

// The loop ran dry with servers still open (they are unref'd): close their stores cleanly.
process.once('beforeExit', () => void closeAll());

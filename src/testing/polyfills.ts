// Node 20 gaps the testing kit relies on. Node 20 already defines Symbol.asyncDispose (for its own
// streams), but `await using` in a user's suite must not depend on that. nock 15's interceptors
// (@mswjs/interceptors 0.45) call Promise.withResolvers, which Node only has from 22 on.
const symbols = Symbol as unknown as { asyncDispose?: symbol };
symbols.asyncDispose ??= Symbol.for('nodejs.asyncDispose');

type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
const promises = Promise as unknown as { withResolvers?: WithResolvers };
promises.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};

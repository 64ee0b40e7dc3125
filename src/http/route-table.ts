// One vendor's operations by method, matched with the spec's own path patterns. Express walks every
// registered route per request (a fifth of a GET's time with two vendors mounted); a vendor has a
// handful of operations per method, so a short list per method is all a request needs.
import type { OperationSpec } from '../spec/operations.js';

export interface RouteMatch {
  op: OperationSpec;
  /** Path parameters decoded; undefined when one is not a valid percent-encoded value. */
  params: Record<string, string> | undefined;
  /** The first parameter that does not decode ('' when all do). */
  badParam: string;
}

export class RouteTable {
  private readonly byMethod = new Map<string, OperationSpec[]>();

  constructor(
    private readonly operations: readonly OperationSpec[],
    /**
     * The vendor's own paths flowtwin does not serve:
     * their literal segments are never read as a served template's ids.
     */
    private readonly unserved: readonly RegExp[] = [],
  ) {
    // Spec order, as express tried them: the first operation whose pattern matches answers.
    for (const op of operations) {
      const method = op.method.toUpperCase();
      const list = this.byMethod.get(method);
      if (list) list.push(op);
      else this.byMethod.set(method, [op]);
    }
    // HEAD is answered by GET's operation (node leaves the body out), as express does.
    if (!this.byMethod.has('HEAD') && this.byMethod.has('GET')) this.byMethod.set('HEAD', this.byMethod.get('GET')!);
  }

  match(method: string, path: string): RouteMatch | undefined {
    const candidates = this.byMethod.get(method);
    if (!candidates || this.isUnserved(path)) return undefined;
    for (const op of candidates) {
      const found = op.pathPattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < op.pathParams.length; i++) {
        const name = op.pathParams[i]!;
        const value = decode(found[i + 1]!);
        if (value === undefined) return { op, params: undefined, badParam: name };
        params[name] = value;
      }
      return { op, params, badParam: '' };
    }
    return undefined;
  }

  /** The methods (upper case) some operation answers at this path: a 405's Allow, none for a 404. */
  allowed(path: string): string[] {
    if (this.isUnserved(path)) return [];
    return [...new Set(this.operations.filter((op) => op.pathPattern.test(path)).map((op) => op.method.toUpperCase()))];
  }

  private isUnserved(path: string): boolean {
    return this.unserved.length > 0 && this.unserved.some((p) => p.test(path));
  }
}

function decode(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

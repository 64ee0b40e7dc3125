// Engine domain errors. Vendors map them to their own wire shapes; nothing here knows HTTP.

export class DomainError extends Error {}

export class InstanceNotFound extends DomainError {
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} not found`);
  }
}

export class IllegalOperation extends DomainError {
  constructor(
    readonly instanceId: string,
    readonly operation: string,
    readonly state: string,
  ) {
    super(`operation ${operation} is not allowed on instance ${instanceId} in state ${state}`);
  }
}

export class UnknownOperation extends DomainError {
  constructor(readonly operation: string) {
    super(`unknown operation ${operation}`);
  }
}

/** The tenant already has as many instances as flowtwin keeps for one (--max-instances-per-tenant). */
export class InstanceLimitReached extends DomainError {
  constructor(readonly limit: number) {
    super(`the tenant has reached the limit of ${limit} instances`);
  }
}

/**
 * Compare-and-set kept losing: the record changes faster than we can write it. Nothing was
 * written, and a later attempt can succeed, so callers answer it as a temporary 503.
 */
export class WriteConflict extends DomainError {
  constructor(
    /** What kept changing, e.g. "instance <id>" or "the control state". */
    readonly what: string,
    readonly attempts: number,
  ) {
    super(
      `${what} changed under each of ${attempts} compare-and-set attempts (concurrent writers); nothing was written`,
    );
  }
}

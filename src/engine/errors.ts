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

/** Compare-and-set kept losing: the record changes faster than we can write it. */
export class WriteConflict extends DomainError {
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} is being modified concurrently; try again`);
  }
}

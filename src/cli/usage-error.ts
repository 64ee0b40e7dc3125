/** A mistake in how flowtwin was called: exit code 2 and the message, no stack. */
export class UsageError extends Error {}

// The control plane's request and response types, read off the types generated from
// specs/flowtwin-control.yaml, so the client cannot drift from the spec.
import type * as Control from '../generated/control.js';

type Operations = Control.operations;
type OperationId = keyof Operations;

/** The JSON body an operation answers with at `status`. */
export type ResponseOf<
  Op extends OperationId,
  Status extends keyof Operations[Op]['responses'],
> = Operations[Op]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

/** The JSON body an operation takes. */
export type RequestOf<Op extends OperationId> =
  NonNullable<Operations[Op]['requestBody']> extends { content: { 'application/json': infer Body } } ? Body : never;

export type Schemas = Control.components['schemas'];
export type Clock = Schemas['Clock'];
export type Health = Schemas['Health'];
export type Scenario = Schemas['Scenario'];
export type Fault = Schemas['Fault'];
export type FaultInput = Schemas['FaultInput'];
export type Override = Schemas['Override'];
export type OverrideInput = Schemas['OverrideInput'];
export type RateLimitRule = Schemas['RateLimitRule'];
export type JournalEntry = Schemas['JournalEntry'];
export type Problem = Schemas['Problem'];

export type ResetInput = RequestOf<'Reset'>;
export type ResetResult = ResponseOf<'Reset', 200>;
export type ScenarioInput = RequestOf<'AddScenario'>;
export type JournalQuery = NonNullable<Operations['ListJournal']['parameters']['query']>;
export type VerifyInput = RequestOf<'VerifyJournal'>;
export type Verified = ResponseOf<'VerifyJournal', 200>;
export type VerificationFailure = Operations['VerifyJournal']['responses'][409]['content']['application/problem+json'];
export type TriggerInput = RequestOf<'TriggerSecMasterPlaybook'>;
export type TriggeredInstance = ResponseOf<'TriggerSecMasterPlaybook', 201>;

/** One event of GET /__flowtwin/events (its schema is the spec's x-event-data, which generates no type). */
export type { TransitionEvent } from '../engine/events.js';

// How Datadog re-serialises a workflow spec (DD-ASSUME-31): every object of the spec comes back with
// its keys in the server's own order, whatever order the request used (recorded), and keys outside
// the published model are dropped, as a typed decode would (assumed). Values the model leaves free
// (parameter values, trigger settings, canvas display, error handlers, annotations) come back as sent.

interface Shape {
  /** Known keys in answer order: the recorded ones first, unrecorded ones after (assumed). */
  keys: readonly string[];
  /** Keys whose value is an array of objects of a known shape. */
  items?: Record<string, Shape>;
  /** Keys whose value is an object of a known shape. */
  fields?: Record<string, Shape>;
}

/** Every trigger kind of the published model (DD-M:*TriggerWrapper), each an object of its own. */
export const TRIGGER_KINDS: readonly string[] = [
  'apiTrigger',
  'agentTrigger',
  'appTrigger',
  'caseTrigger',
  'changeEventTrigger',
  'dashboardTrigger',
  'databaseMonitoringTrigger',
  'datastoreTrigger',
  'formTrigger',
  'githubWebhookTrigger',
  'incidentTrigger',
  'monitorTrigger',
  'notebookTrigger',
  'onCallTrigger',
  'scheduleTrigger',
  'securityTrigger',
  'selfServiceTrigger',
  'slackTrigger',
  'softwareCatalogTrigger',
  'workflowTrigger',
];

const TRIGGER: Shape = { keys: ['startStepNames', ...TRIGGER_KINDS] };

const STEP: Shape = {
  keys: [
    'name',
    'actionId',
    'connectionLabel',
    'parameters',
    'outboundEdges',
    'display',
    'errorHandlers',
    'readinessGate',
    'completionGate',
  ],
  items: { parameters: { keys: ['name', 'value'] }, outboundEdges: { keys: ['nextStepName', 'branchName'] } },
};

const CONNECTION_ENV: Shape = {
  keys: ['env', 'connections', 'connectionGroups'],
  items: {
    connections: { keys: ['connectionId', 'label'] },
    connectionGroups: { keys: ['connectionGroupId', 'label', 'tags'] },
  },
};

const INPUT_SCHEMA: Shape = {
  keys: ['parameters'],
  items: {
    parameters: { keys: ['name', 'type', 'defaultValue', 'label', 'description', 'allowedValues', 'allowExtraValues'] },
  },
};

const OUTPUT_SCHEMA: Shape = {
  keys: ['parameters'],
  items: { parameters: { keys: ['name', 'type', 'value', 'defaultValue', 'label', 'description'] } },
};

const SPEC: Shape = {
  keys: ['triggers', 'steps', 'handle', 'connectionEnvs', 'inputSchema', 'outputSchema', 'annotations'],
  items: { triggers: TRIGGER, steps: STEP, connectionEnvs: CONNECTION_ENV },
  fields: { inputSchema: INPUT_SCHEMA, outputSchema: OUTPUT_SCHEMA },
};

/** The spec as Datadog would store and answer it: known keys only, in the server's order. */
export function reshapeSpec<T extends Record<string, unknown>>(spec: T): T {
  return reshape(spec, SPEC) as T;
}

function reshape(value: Record<string, unknown>, shape: Shape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of shape.keys) {
    if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
    const v = value[key];
    const itemShape = shape.items?.[key];
    const fieldShape = shape.fields?.[key];
    if (itemShape && Array.isArray(v)) out[key] = v.map((item) => (isObject(item) ? reshape(item, itemShape) : item));
    else if (fieldShape && isObject(v)) out[key] = reshape(v, fieldShape);
    else out[key] = v;
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where an answered spec departs from that shape: keys outside the model or out of the server's
 * order, each named by its path (`steps[0].parameters[1]`). Empty when it matches.
 */
export function specShapeProblems(spec: Record<string, unknown>): string[] {
  const problems: string[] = [];
  check(spec, SPEC, 'spec', problems);
  return problems;
}

function check(value: Record<string, unknown>, shape: Shape, path: string, problems: string[]): void {
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !shape.keys.includes(k));
  if (unknown.length > 0) problems.push(`${path} has keys outside the model: ${unknown.join(', ')}`);
  const known = keys.filter((k) => shape.keys.includes(k));
  const ordered = shape.keys.filter((k) => known.includes(k));
  if (known.join() !== ordered.join())
    problems.push(`${path} keys come as ${known.join(', ')}, expected ${ordered.join(', ')}`);
  for (const key of known) {
    const v = value[key];
    const itemShape = shape.items?.[key];
    const fieldShape = shape.fields?.[key];
    if (itemShape && Array.isArray(v))
      v.forEach((item, i) => isObject(item) && check(item, itemShape, `${path}.${key}[${i}]`, problems));
    else if (fieldShape && isObject(v)) check(v, fieldShape, `${path}.${key}`, problems);
  }
}

// Datadog CreateWorkflow: the 201 body and its key order, defaults, tags, creator/owner, webhookSecret,
// and the recorded 400 errors for bad descriptions, triggers, specs and names.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../../support/flowtwin.js';
import { JSONAPI, step, specWith, body } from './support.js';

describe('Datadog CreateWorkflow', () => {
  it('answers 201 application/vnd.api+json with the whole workflow, in the recorded key order', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    const { data } = res.body;
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships']);
    expect(Object.keys(data.attributes)).toEqual(['createdAt', 'description', 'name', 'published', 'spec', 'tags', 'updatedAt']);
    expect(data.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(data.type).toBe('workflows');
    expect(data.attributes.name).toBe('Restart service');
    expect(data.attributes.spec).toEqual(workflowBody().data.attributes.spec);
  });

  it('defaults description to "", published to true, and sets createdAt == updatedAt to now, trimmed like Datadog', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({}));
    const attrs = res.body.data.attributes;
    expect(attrs.description).toBe('');
    expect(attrs.published).toBe(true);
    expect(attrs.tags).toEqual([]);
    expect(attrs.createdAt).toBe('2026-01-15T10:00:00Z');
    expect(attrs.updatedAt).toBe(attrs.createdAt);

    ft.clock.advance(1_250);
    const later = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({}));
    expect(later.body.data.attributes.createdAt).toBe('2026-01-15T10:00:01.25Z');
    expect(later.body.data.attributes.updatedAt).toBe('2026-01-15T10:00:01.25Z');
  });

  it('sorts the tags and drops duplicates', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ tags: ['team:sre', 'env:test', 'app:x', 'env:test'] }));
    expect(res.body.data.attributes.tags).toEqual(['app:x', 'env:test', 'team:sre']);
  });

  it('names the key pair\'s user as creator and owner, ignoring relationships sent in the body', async () => {
    const ft = await testFlowtwin();
    const sent = body({});
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { ...sent.data, relationships: { creator: { data: { id: '11111111-1111-1111-1111-111111111111', type: 'users' } } } } });
    const { creator, owner } = res.body.data.relationships;
    expect(Object.keys(res.body.data.relationships)).toEqual(['creator', 'owner']);
    expect(creator.data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'users' });
    expect(owner.data).toEqual(creator.data);
    expect(creator.data.id).not.toBe('11111111-1111-1111-1111-111111111111');
    const again = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ name: 'Second' }));
    expect(again.body.data.relationships.creator.data.id).toBe(creator.data.id);
  });

  it('stores webhookSecret but never echoes it, on create, get or list', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ webhookSecret: 's3cr3t-value', spec: specWith('githubWebhookTrigger') }));
    expect(res.status).toBe(201);
    expect(res.text).not.toContain('s3cr3t-value');
    expect(res.body.data.attributes).not.toHaveProperty('webhookSecret');
    const get = await ft.http.get(`/api/v2/workflows/${res.body.data.id}`).set(DD_KEYS);
    expect(get.text).not.toContain('s3cr3t-value');
    const list = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=true').set(DD_KEYS);
    expect(list.text).not.toContain('s3cr3t-value');
  });

  it('answers every object of the spec in Datadog\'s recorded key order whatever order it was sent in', async () => {
    const ft = await testFlowtwin();
    // As the official clients send it: every object's keys alphabetical (recorded request, 2025-05).
    const spec = {
      connectionEnvs: [{ connections: [{ connectionId: '11111111-1111-1111-1111-111111111111', label: 'INTEGRATION_DATADOG' }], env: 'default' }],
      handle: 'my-handle',
      inputSchema: { parameters: [{ defaultValue: 'd', name: 'in', type: 'STRING' }] },
      outputSchema: { parameters: [{ name: 'out', type: 'STRING', value: 'v' }] },
      steps: [
        {
          actionId: 'com.datadoghq.dd.monitor.listMonitors',
          connectionLabel: 'INTEGRATION_DATADOG',
          name: 'Start',
          outboundEdges: [{ branchName: 'main', nextStepName: 'End' }],
          parameters: [{ name: 'tags', value: 'service:monitoring' }],
        },
        { actionId: 'com.datadoghq.core.noop', name: 'End' },
      ],
      triggers: [{ monitorTrigger: { rateLimit: { count: 1, interval: '3600s' } }, startStepNames: ['Start'] }, { apiTrigger: {}, startStepNames: ['Start'] }],
    };
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec }));
    expect(res.status).toBe(201);
    expect(res.body.data.attributes.spec).toEqual(spec);
    // The 201 of that recording, key for key (values aside).
    const recorded =
      '{"triggers":[{"startStepNames":["Start"],"monitorTrigger":{"rateLimit":{"count":1,"interval":"3600s"}}},{"startStepNames":["Start"],"apiTrigger":{}}],' +
      '"steps":[{"name":"Start","actionId":"com.datadoghq.dd.monitor.listMonitors","connectionLabel":"INTEGRATION_DATADOG",' +
      '"parameters":[{"name":"tags","value":"service:monitoring"}],"outboundEdges":[{"nextStepName":"End","branchName":"main"}]},' +
      '{"name":"End","actionId":"com.datadoghq.core.noop"}],"handle":"my-handle",' +
      '"connectionEnvs":[{"env":"default","connections":[{"connectionId":"11111111-1111-1111-1111-111111111111","label":"INTEGRATION_DATADOG"}]}],' +
      '"inputSchema":{"parameters":[{"name":"in","type":"STRING","defaultValue":"d"}]},"outputSchema":{"parameters":[{"name":"out","type":"STRING","value":"v"}]}}';
    expect(JSON.stringify(res.body.data.attributes.spec)).toBe(recorded);
    const get = await ft.http.get(`/api/v2/workflows/${res.body.data.id}`).set(DD_KEYS);
    expect(JSON.stringify(get.body.data.attributes.spec)).toBe(recorded);
    const list = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=true').set(DD_KEYS);
    expect(JSON.stringify(list.body.data[0].attributes.spec)).toBe(recorded);
  });

  it('reports the recorded three errors, in order, for a 301-character description and spec:{}', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { name: 'Too long', description: 'x'.repeat(301), spec: {} } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.text).toBe(
      JSON.stringify({
        errors: [
          { detail: 'workflow description exceeds size limit of [300] characters' },
          { detail: 'spec is invalid' },
          { detail: 'no trigger found. At least one trigger is required.' },
        ],
      }),
    );
    const list = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(list.body.meta.page.totalCount).toBe(0);
  });

  it('accepts a description of exactly 300 characters', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ description: 'x'.repeat(300) }));
    expect(res.status).toBe(201);
    expect(res.body.data.attributes.description).toHaveLength(300);
  });

  it('refuses a workflowTrigger next to another trigger', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('workflowTrigger', 'apiTrigger') }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ detail: 'workflowTrigger must be the only trigger' }] });
  });

  it('accepts a workflowTrigger on its own', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('workflowTrigger') }));
    expect(res.status).toBe(201);
  });

  it('refuses a trigger kind used twice', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('monitorTrigger', 'apiTrigger', 'monitorTrigger') }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ detail: 'trigger monitorTrigger appears more than once' }] });
  });

  it('accepts an empty steps list, as Terraform recorded, but not a spec without steps', async () => {
    const ft = await testFlowtwin();
    const spec = { steps: [], triggers: [{ startStepNames: [], workflowTrigger: {} }] };
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec }));
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body.data.attributes.spec)).toBe('{"triggers":[{"startStepNames":[],"workflowTrigger":{}}],"steps":[]}');
    const noSteps = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ spec: { triggers: [{ startStepNames: [], workflowTrigger: {} }] } }));
    expect(noSteps.status).toBe(400);
    expect(noSteps.body).toEqual({ errors: [{ detail: 'spec is invalid' }] });
  });

  it('calls a spec invalid when a start step or an edge names no step', async () => {
    const ft = await testFlowtwin();
    const badStart = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ spec: { triggers: [{ startStepNames: ['Nope'], apiTrigger: {} }], steps: [step('Start')] } }));
    expect(badStart.status).toBe(400);
    expect(badStart.body).toEqual({ errors: [{ detail: 'spec is invalid' }] });
    const badEdge = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ spec: { triggers: [{ startStepNames: ['Start'], apiTrigger: {} }], steps: [step('Start', 'Nope')] } }));
    expect(badEdge.body).toEqual({ errors: [{ detail: 'spec is invalid' }] });
  });

  it('answers a missing name with one Bad Request item in vnd.api+json', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { spec: specWith('apiTrigger') } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ status: '400', title: 'Bad Request', detail: expect.stringMatching(/^request body has an error: .*name/) }] });
  });

  it('answers an empty name like a missing one', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ name: '' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ status: '400', title: 'Bad Request' });
  });
});

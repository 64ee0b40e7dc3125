import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../../support/flowtwin.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
interface Res {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

const WORKFLOWS = '/api/v2/workflows';
const JSONAPI = /^application\/vnd\.api\+json/;
const JSON_TYPE = /^application\/json/;

/** Workflow CRUD: one {status:"400", title:"Bad Request", detail} item in vnd.api+json (DD-ASSUME-11). */
function expectCrudBadRequest(res: Res, detail: RegExp = /.*/) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(JSONAPI);
  expect(res.body).toEqual({ errors: [{ status: '400', title: 'Bad Request', detail: expect.stringMatching(/^request body has an error: /) }] });
  expect((res.body as { errors: { detail: string }[] }).errors[0]!.detail).toMatch(detail);
}

/** Instance operations: one {code:"INVALID_REQUEST_BODY", detail} item in application/json (DD-ASSUME-12). */
function expectInstanceBadRequest(res: Res, detail: RegExp = /.*/) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(JSON_TYPE);
  expect(res.body).toEqual({ errors: [{ code: 'INVALID_REQUEST_BODY', detail: expect.any(String) }] });
  expect((res.body as { errors: { detail: string }[] }).errors[0]!.detail).toMatch(detail);
}

async function withWorkflow(options: Parameters<typeof testFlowtwin>[0] = {}) {
  const ft = await testFlowtwin(options);
  const created = await ft.http.post(WORKFLOWS).set(DD_KEYS).send(workflowBody());
  expect(created.status).toBe(201);
  return { ...ft, workflowId: created.body.data.id as string };
}

async function countWorkflows(ft: Ft): Promise<number> {
  const res = await ft.http.get(`${WORKFLOWS}?filter[includeUnpublished]=true`).set(DD_KEYS);
  expect(res.status).toBe(200);
  return res.body.meta.page.totalCount as number;
}

async function countInstances(ft: Ft, workflowId: string): Promise<number> {
  const res = await ft.http.get(`${WORKFLOWS}/${workflowId}/instances`).set(DD_KEYS);
  expect(res.status).toBe(200);
  return res.body.meta.page.totalCount as number;
}

/** superagent JSON-encodes a Buffer sent as application/json; this sends its bytes as they are. */
const raw = (bytes: unknown) => bytes as string;

const json = (req: ReturnType<Ft['http']['post']>, text: string) => req.set('content-type', 'application/json').send(text);

describe('Datadog bad input: request bodies', () => {
  it('answers malformed JSON on create with 400 Bad Request in vnd.api+json, and creates nothing', async () => {
    const ft = await testFlowtwin();
    const res = await json(ft.http.post(WORKFLOWS).set(DD_KEYS), '{"data": {"type": "workflows",');
    expectCrudBadRequest(res, /not valid JSON/);
    expect(await countWorkflows(ft)).toBe(0);
  });

  it('answers malformed JSON on update with the same Bad Request, and changes nothing', async () => {
    const ft = await withWorkflow();
    const res = await json(ft.http.patch(`${WORKFLOWS}/${ft.workflowId}`).set(DD_KEYS), "{'data': 1}");
    expectCrudBadRequest(res, /not valid JSON/);
    const get = await ft.http.get(`${WORKFLOWS}/${ft.workflowId}`).set(DD_KEYS);
    expect(get.body.data.attributes.updatedAt).toBe(get.body.data.attributes.createdAt);
  });

  it('answers malformed JSON on execute with 400 INVALID_REQUEST_BODY in application/json, and starts nothing', async () => {
    const ft = await withWorkflow();
    const res = await json(ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS), '{"meta":');
    expectInstanceBadRequest(res, /not valid JSON/);
    expect(await countInstances(ft, ft.workflowId)).toBe(0);
  });

  it('refuses text/plain on create and on execute, each in its own dialect', async () => {
    const ft = await withWorkflow();
    const create = await ft.http.post(WORKFLOWS).set(DD_KEYS).set('content-type', 'text/plain').send(JSON.stringify(workflowBody()));
    expectCrudBadRequest(create, /content type "text\/plain"/);
    const execute = await ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS).set('content-type', 'text/plain').send('{}');
    expectInstanceBadRequest(execute, /content type "text\/plain"/);
    expect(await countWorkflows(ft)).toBe(1);
    expect(await countInstances(ft, ft.workflowId)).toBe(0);
  });

  it('refuses a body without a content type, and accepts application/json with a charset', async () => {
    const ft = await testFlowtwin();
    const bare = await ft.http.post(WORKFLOWS).set(DD_KEYS).unset('content-type').serialize(raw).send(Buffer.from(JSON.stringify(workflowBody())));
    expectCrudBadRequest(bare, /content type is missing/);
    const charset = await ft.http.post(WORKFLOWS).set(DD_KEYS).set('content-type', 'application/json; charset=utf-8').send(JSON.stringify(workflowBody()));
    expect(charset.status).toBe(201);
  });

  it('requires a body on execute (the spec marks it required), but accepts {}', async () => {
    const ft = await withWorkflow();
    const none = await ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS);
    expectInstanceBadRequest(none, /required/);
    const empty = await json(ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS), '');
    expectInstanceBadRequest(empty, /required/);
    expect(await countInstances(ft, ft.workflowId)).toBe(0);
    const ok = await ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS).send({});
    expect(ok.status).toBe(200);
  });

  it('requires a body on create', async () => {
    const ft = await testFlowtwin();
    expectCrudBadRequest(await ft.http.post(WORKFLOWS).set(DD_KEYS), /required/);
  });

  it('refuses JSON that is not an object: null, an array, a string', async () => {
    const ft = await withWorkflow();
    for (const text of ['null', '[]', '"workflow"', '42']) {
      expectCrudBadRequest(await json(ft.http.post(WORKFLOWS).set(DD_KEYS), text));
      expectInstanceBadRequest(await json(ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS), text));
    }
  });

  it('refuses a meta.payload that is not an object', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS).send({ meta: { payload: 'input=value' } });
    expectInstanceBadRequest(res, /payload/);
  });

  it('refuses a data.type other than "workflows" on create and update', async () => {
    const ft = await withWorkflow();
    const body = workflowBody();
    const create = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { ...body.data, type: 'users' } });
    expectCrudBadRequest(create, /\/data\/type/);
    const update = await ft.http.patch(`${WORKFLOWS}/${ft.workflowId}`).set(DD_KEYS).send({ data: { type: 'workflow', attributes: { name: 'x' } } });
    expectCrudBadRequest(update, /\/data\/type/);
    const missing = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { attributes: body.data.attributes } });
    expectCrudBadRequest(missing, /type/);
    expect(await countWorkflows(ft)).toBe(1);
  });

  it('refuses fields of the wrong type: tags not an array, published a string, a step without actionId', async () => {
    const ft = await testFlowtwin();
    const attributes = workflowBody().data.attributes;
    for (const bad of [
      { ...attributes, tags: 'team:sre' },
      { ...attributes, published: 'yes' },
      { ...attributes, spec: { ...attributes.spec, steps: [{ name: 'Sleep' }] } },
    ]) {
      expectCrudBadRequest(await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { type: 'workflows', attributes: bad } }));
    }
    expect(await countWorkflows(ft)).toBe(0);
  });
});

describe('Datadog bad input: body size', () => {
  const big = 'x'.repeat(2_000);

  it('answers a create body over the limit with 413 in the CRUD dialect, and creates nothing', async () => {
    const ft = await testFlowtwin({ bodyLimitBytes: 1024 });
    const res = await ft.http.post(WORKFLOWS).set(DD_KEYS).send(workflowBody({ description: big }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ status: '413', title: 'Payload Too Large', detail: 'request body exceeds the limit of 1024 bytes' }] });
    expect(await countWorkflows(ft)).toBe(0);
  });

  it('answers an update body over the limit with 413 in the CRUD dialect', async () => {
    const ft = await withWorkflow({ bodyLimitBytes: 1024 });
    const res = await ft.http.patch(`${WORKFLOWS}/${ft.workflowId}`).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { name: big } } });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ status: '413', title: 'Payload Too Large', detail: 'request body exceeds the limit of 1024 bytes' }] });
  });

  it('answers an execute body over the limit with 413 in the instance dialect, and starts nothing', async () => {
    const ft = await withWorkflow({ bodyLimitBytes: 1024 });
    const res = await ft.http.post(`${WORKFLOWS}/${ft.workflowId}/instances`).set(DD_KEYS).send({ meta: { payload: { input: big } } });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(JSON_TYPE);
    expect(res.body).toEqual({ errors: [{ code: 'PAYLOAD_TOO_LARGE', detail: 'request body exceeds the limit of 1024 bytes' }] });
    expect(await countInstances(ft, ft.workflowId)).toBe(0);
  });

  it('applies the limit to the inflated size: a small gzip body that inflates past it gets 413', async () => {
    const ft = await withWorkflow({ bodyLimitBytes: 1024 });
    const inflated = JSON.stringify({ meta: { payload: { input: 'x'.repeat(100_000) } } });
    const compressed = gzipSync(inflated);
    expect(compressed.length).toBeLessThan(1024);
    const res = await ft.http
      .post(`${WORKFLOWS}/${ft.workflowId}/instances`)
      .set(DD_KEYS)
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .serialize(raw)
      .send(compressed);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ code: 'PAYLOAD_TOO_LARGE', detail: 'request body exceeds the limit of 1024 bytes' }] });
  });

  it('reads a gzip body within the limit, and refuses an unknown content encoding in the dialect', async () => {
    const ft = await testFlowtwin();
    const ok = await ft.http
      .post(WORKFLOWS)
      .set(DD_KEYS)
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync(JSON.stringify(workflowBody({ name: 'Zipped' }))));
    expect(ok.status).toBe(201);
    expect(ok.body.data.attributes.name).toBe('Zipped');
    const unknown = await ft.http
      .post(WORKFLOWS)
      .set(DD_KEYS)
      .set('content-type', 'application/json')
      .set('content-encoding', 'snappy')
      .send(JSON.stringify(workflowBody()));
    expectCrudBadRequest(unknown);
  });
});

describe('Datadog bad input: routes and methods', () => {
  it.each([['/api/v2/nope'], ['/api/v1/workflows'], ['/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/retry'], ['/api/']])(
    'answers an unknown route under /api/ (%s) with 404 {"errors":["Not found"]}',
    async (path) => {
      const ft = await testFlowtwin();
      const res = await ft.http.get(path).set(DD_KEYS);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ errors: ['Not found'] });
    },
  );

  it.each([
    ['delete', '/api/v2/workflows', ['GET', 'POST']],
    ['put', '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111', ['DELETE', 'GET', 'PATCH']],
    ['delete', '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/instances', ['GET', 'POST']],
    ['post', '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/instances/e0c64dc8-f946-4ae8-8d79-54569031ce67', ['GET']],
    ['get', '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/instances/e0c64dc8-f946-4ae8-8d79-54569031ce67/cancel', ['PUT']],
  ] as const)('answers %s %s with 405 and an Allow header', async (method, path, allowed) => {
    const ft = await testFlowtwin();
    const res = await ft.http[method](path).set(DD_KEYS);
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toMatch(JSON_TYPE);
    expect(res.body).toEqual({ errors: ['Method Not Allowed'] });
    expect(String(res.headers.allow).split(', ').sort()).toEqual([...allowed]);
  });

  it('leaves the workflows alone after a 405 DELETE on the collection', async () => {
    const ft = await withWorkflow();
    await ft.http.delete(WORKFLOWS).set(DD_KEYS).expect(405);
    expect(await countWorkflows(ft)).toBe(1);
  });

  it('answers an unknown route outside /api with 404 application/problem+json', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'flowtwin serves no route GET /v2/workflows' });
  });

  it('matches paths case-sensitively: /API/v2/workflows is not a Datadog route', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/API/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('Datadog bad input: query strings', () => {
  it('refuses a duplicated page[size] on list instances with 400 INVALID_FIELD_VALUE', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.get(`${WORKFLOWS}/${ft.workflowId}/instances?page[size]=1&page[size]=2`).set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSON_TYPE);
    expect(res.body).toEqual({ errors: [{ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field page[size]' }] });
  });

  it('refuses a duplicated limit or filter[query] on list workflows with a string error', async () => {
    const ft = await withWorkflow();
    for (const [query, name] of [
      ['limit=1&limit=2', 'limit'],
      ['filter[query]=a&filter[query]=b', 'filter[query]'],
      ['sort=name&sort=-name', 'sort'],
    ] as const) {
      const res = await ft.http.get(`${WORKFLOWS}?${query}`).set(DD_KEYS);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ errors: [expect.stringMatching(new RegExp(`^invalid parameter "${name.replace(/[[\]]/g, '\\$&')}" in "query"; `))] });
    }
  });

  it('ignores unknown query parameters, __proto__ and constructor included', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.get(`${WORKFLOWS}?__proto__[polluted]=1&constructor=x&foo=bar`).set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Datadog bad input: odd but valid values', () => {
  it('round-trips unicode names unchanged: accents, CJK, emoji with joiners, right-to-left, combining marks', async () => {
    const ft = await testFlowtwin();
    const names = ['Redémarrer le service', '重启服务', '👩‍💻 on-call 🚀', 'إعادة التشغيل', 'Zalgo Z̷̢a̶l̸g̵o', 'tab\there\nnewline "quoted" \\ back'];
    for (const name of names) {
      const created = await ft.http.post(WORKFLOWS).set(DD_KEYS).send(workflowBody({ name }));
      expect(created.status).toBe(201);
      expect(created.body.data.attributes.name).toBe(name);
      const get = await ft.http.get(`${WORKFLOWS}/${created.body.data.id}`).set(DD_KEYS);
      expect(get.body.data.attributes.name).toBe(name);
    }
    const byAccent = await ft.http.get(`${WORKFLOWS}?filter[query]=${encodeURIComponent('DÉMARRER')}`).set(DD_KEYS);
    expect(byAccent.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(['Redémarrer le service']);
  });

  it('round-trips a 10,000-character name through create, get and list', async () => {
    const ft = await testFlowtwin();
    const name = `${'n'.repeat(9_998)}é✓`;
    expect(name).toHaveLength(10_000);
    const created = await ft.http.post(WORKFLOWS).set(DD_KEYS).send(workflowBody({ name }));
    expect(created.status).toBe(201);
    expect(created.body.data.attributes.name).toBe(name);
    const get = await ft.http.get(`${WORKFLOWS}/${created.body.data.id}`).set(DD_KEYS);
    expect(get.body.data.attributes.name).toBe(name);
    const list = await ft.http.get(WORKFLOWS).set(DD_KEYS);
    expect(list.body.data[0].attributes.name).toBe(name);
  });

  it('takes __proto__ and constructor keys in a body without crashing or polluting Object.prototype', async () => {
    const ft = await testFlowtwin();
    const text = JSON.stringify(workflowBody({ name: 'Proto' }))
      .replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},')
      .replace('"attributes":{', '"attributes":{"__proto__":{"name":"evil","polluted":true},"constructor":{"prototype":{"polluted":true}},')
      .replace('"spec":{', '"spec":{"__proto__":{"polluted":true,"handle":"evil"},');
    expect(text).toContain('"__proto__"');
    const res = await json(ft.http.post(WORKFLOWS).set(DD_KEYS), text);
    expect(res.status).toBe(201);
    expect(res.body.data.attributes.name).toBe('Proto');
    expect(res.body.data.attributes.spec).not.toHaveProperty('handle');
    expect(res.text).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');

    const get = await ft.http.get(`${WORKFLOWS}/${res.body.data.id}`).set(DD_KEYS);
    expect(get.body.data.attributes.name).toBe('Proto');
    expect(get.text).not.toContain('polluted');

    const run = await ft.http
      .post(`${WORKFLOWS}/${res.body.data.id}/instances`)
      .set(DD_KEYS)
      .set('content-type', 'application/json')
      .send('{"meta":{"payload":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}}');
    expect(run.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('runs steps named __proto__, constructor and toString like any other', async () => {
    const ft = await testFlowtwin();
    const spec = {
      triggers: [{ startStepNames: ['__proto__'], apiTrigger: {} }],
      steps: [
        { name: '__proto__', actionId: 'com.datadoghq.core.noop', outboundEdges: [{ nextStepName: 'constructor', branchName: 'main' }] },
        { name: 'constructor', actionId: 'com.datadoghq.core.noop', outboundEdges: [{ nextStepName: 'toString', branchName: 'main' }] },
        { name: 'toString', actionId: 'com.datadoghq.core.noop' },
      ],
    };
    const created = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { name: 'Odd steps', spec } } });
    expect(created.status).toBe(201);
    expect(created.body.data.attributes.spec).toEqual(spec);
    const id = created.body.data.id as string;
    const run = await ft.http.post(`${WORKFLOWS}/${id}/instances`).set(DD_KEYS).send({});
    ft.clock.advance(10_000);
    const res = await ft.http.get(`${WORKFLOWS}/${id}/instances/${run.body.data.id}`).set(DD_KEYS);
    expect(res.body.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect(res.body.data.attributes.stepStateAssociations).toEqual([
      { stepName: '__proto__', stepState: 'SUCCEEDED' },
      { stepName: 'constructor', stepState: 'SUCCEEDED' },
      { stepName: 'toString', stepState: 'SUCCEEDED' },
    ]);
  });

  it('drops keys outside the model at every level of the spec and keeps the free-form values (DD-ASSUME-31)', async () => {
    const ft = await testFlowtwin();
    const attributes = workflowBody().data.attributes;
    const [step, ...rest] = attributes.spec.steps as Record<string, unknown>[];
    const spec = {
      ...attributes.spec,
      annotations: [{ text: 'note', anything: { goes: true } }],
      customKey: { kept: false },
      steps: [{ ...step, stepTypo: 1, parameters: [{ name: 'p', value: { nested: { customKey: 1 } }, extra: 2 }] }, ...rest],
      triggers: [{ startStepNames: [step!.name], apiTrigger: { rateLimit: { count: 1, interval: '60s' }, future: 'kept' }, fooTrigger: {}, extra: 1 }],
    };
    const res = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { ...attributes, spec } } });
    expect(res.status).toBe(201);
    const expected = {
      triggers: [{ startStepNames: [step!.name], apiTrigger: { rateLimit: { count: 1, interval: '60s' }, future: 'kept' } }],
      steps: [{ ...step, parameters: [{ name: 'p', value: { nested: { customKey: 1 } } }] }, ...rest],
      annotations: [{ text: 'note', anything: { goes: true } }],
    };
    expect(res.body.data.attributes.spec).toEqual(expected);
    const get = await ft.http.get(`${WORKFLOWS}/${res.body.data.id}`).set(DD_KEYS);
    expect(get.body.data.attributes.spec).toEqual(expected);
  });

  it('drops top-level spec keys named like Object.prototype members, like any other unknown key', async () => {
    const ft = await testFlowtwin();
    const attributes = workflowBody().data.attributes;
    const spec = { ...attributes.spec, constructor: { kept: true }, toString: 'kept', hasOwnProperty: 1 };
    const res = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { ...attributes, spec } } });
    expect(res.status).toBe(201);
    expect(res.body.data.attributes.spec).toEqual(attributes.spec);
  });

  it('counts only the model\'s trigger kinds: a spec whose only trigger is unknown has none', async () => {
    const ft = await testFlowtwin();
    const attributes = workflowBody().data.attributes;
    const [step] = attributes.spec.steps as Record<string, unknown>[];
    const spec = { ...attributes.spec, triggers: [{ startStepNames: [step!.name], fooTrigger: {} }] };
    const res = await ft.http.post(WORKFLOWS).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { ...attributes, spec } } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ detail: 'no trigger found. At least one trigger is required.' }] });
  });
});

describe('Datadog bad input: path ids', () => {
  it('answers an 8,000-character workflow id with 400 Invalid Parameter, not a 500', async () => {
    const ft = await testFlowtwin();
    const long = 'a'.repeat(8_000);
    for (const req of [ft.http.get(`${WORKFLOWS}/${long}`), ft.http.delete(`${WORKFLOWS}/${long}`), ft.http.patch(`${WORKFLOWS}/${long}`).send({ data: { type: 'workflows', attributes: {} } })]) {
      const res = await req.set(DD_KEYS);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(JSONAPI);
      expect(res.body).toEqual({ errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }] });
    }
  });

  it('answers 8,000-character ids on instance paths with 400 INVALID_FIELD_VALUE, without echoing them', async () => {
    const ft = await withWorkflow();
    const long = 'f'.repeat(8_000);
    const workflow = await ft.http.get(`${WORKFLOWS}/${long}/instances`).set(DD_KEYS);
    expect(workflow.status).toBe(400);
    expect(workflow.body).toEqual({ errors: [{ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field workflow_id' }] });
    const instance = await ft.http.put(`${WORKFLOWS}/${ft.workflowId}/instances/${long}/cancel`).set(DD_KEYS);
    expect(instance.status).toBe(400);
    expect(instance.headers['content-type']).toMatch(JSON_TYPE);
    expect(instance.body).toEqual({ errors: [{ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field instance_id' }] });
    expect(instance.text).not.toContain(long);
  });

  it('leaves a request line longer than Node accepts to Node: 431, never a 500', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`${WORKFLOWS}/${'a'.repeat(20_000)}`).set(DD_KEYS);
    expect(res.status).toBe(431);
  });

  it('treats percent-encoded ids like their decoded form', async () => {
    const ft = await withWorkflow();
    const encoded = ft.workflowId.replace(/-/g, '%2D');
    const res = await ft.http.get(`${WORKFLOWS}/${encoded}`).set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(ft.workflowId);
    const slash = await ft.http.get(`${WORKFLOWS}/${ft.workflowId}%2Fextra`).set(DD_KEYS);
    expect(slash.status).toBe(400);
  });

  it('answers a malformed percent-escape in an id with the vendor 400, not an HTML stack trace', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`${WORKFLOWS}/%E0%A4%A`).set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('URIError');
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }] });
  });
});

describe('Datadog bad input: deeply nested JSON', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const bodyWithValue = (value: string) =>
    JSON.stringify(workflowBody({ name: 'Deep' })).replace('"value":300', `"value":${value}`);

  it('round-trips a step parameter nested 100 levels deep', async () => {
    const ft = await testFlowtwin();
    const text = bodyWithValue(nested(100));
    expect(text).toContain(nested(100));
    const res = await json(ft.http.post(WORKFLOWS).set(DD_KEYS), text);
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body.data.attributes.spec.steps[0].parameters[0].value)).toBe(nested(100));
  });

  it('refuses a body nested 5,000 levels deep with a 400 in the dialect, and stores nothing', async () => {
    const ft = await testFlowtwin();
    const res = await json(ft.http.post(WORKFLOWS).set(DD_KEYS), bodyWithValue(nested(5_000)));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(await countWorkflows(ft)).toBe(0);
  });
});

// Datadog ListWorkflows: the page body, includeSpecs and includeUnpublished, name, tag and trigger
// filters, sorting, paging with limit and page, and the 400 answers for bad query parameters.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin } from '../../support/flowtwin.js';
import { JSONAPI, JSON_TYPE, specWith, create, names } from './support.js';

describe('Datadog ListWorkflows', () => {
  it('answers 200 vnd.api+json with items whose spec is null, and page counters', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft, { name: 'Only one', tags: ['b:1', 'a:1'] });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({
      data: [
        {
          id,
          type: 'workflows',
          attributes: {
            createdAt: '2026-01-15T10:00:00Z',
            description: '',
            name: 'Only one',
            published: true,
            spec: null,
            tags: ['a:1', 'b:1'],
            updatedAt: '2026-01-15T10:00:00Z',
          },
          relationships: { creator: { data: { id: expect.any(String), type: 'users' } }, owner: { data: { id: expect.any(String), type: 'users' } } },
        },
      ],
      meta: { page: { totalCount: 1, totalFilteredCount: 1 } },
    });
  });

  it('answers an org without workflows with an empty page', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } });
  });

  it('includes the full spec only with filter[includeSpecs]=true', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const get = await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS);
    const without = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=false').set(DD_KEYS);
    expect(without.body.data[0].attributes.spec).toBeNull();
    const withSpecs = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=true').set(DD_KEYS);
    expect(withSpecs.body.data[0].attributes.spec).toEqual(get.body.data.attributes.spec);
    expect(withSpecs.body.data[0]).toEqual(get.body.data);
  });

  it('leaves unpublished workflows out by default, while totalCount still counts them', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'Live' });
    await create(ft, { name: 'Draft', published: false });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(names(res)).toEqual(['Live']);
    expect(res.body.meta.page).toEqual({ totalCount: 2, totalFilteredCount: 1 });

    const all = await ft.http.get('/api/v2/workflows?filter[includeUnpublished]=true&sort=name').set(DD_KEYS);
    expect(names(all)).toEqual(['Draft', 'Live']);
    expect(all.body.meta.page).toEqual({ totalCount: 2, totalFilteredCount: 2 });
    expect(all.body.data[0].attributes.published).toBe(false);
  });

  it('filters by a case-insensitive substring of the name', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'Restart service' });
    await create(ft, { name: 'Rotate keys' });
    await create(ft, { name: 'Page on-call' });
    const res = await ft.http.get('/api/v2/workflows?filter[query]=ROTATE').set(DD_KEYS);
    expect(names(res)).toEqual(['Rotate keys']);
    expect(res.body.meta.page).toEqual({ totalCount: 3, totalFilteredCount: 1 });
    const sub = await ft.http.get('/api/v2/workflows?filter[query]=TA&sort=name').set(DD_KEYS);
    expect(names(sub)).toEqual(['Restart service', 'Rotate keys']);
    const none = await ft.http.get('/api/v2/workflows?filter[query]=nothing-matches').set(DD_KEYS);
    expect(none.body).toEqual({ data: [], meta: { page: { totalCount: 3, totalFilteredCount: 0 } } });
  });

  it('treats a query with a colon as a key:value tag filter', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'SRE one', tags: ['team:sre', 'env:prod'] });
    await create(ft, { name: 'DB one', tags: ['team:db'] });
    await create(ft, { name: 'team:sre in the name only' });
    const res = await ft.http.get('/api/v2/workflows?filter[query]=team:sre').set(DD_KEYS);
    expect(names(res)).toEqual(['SRE one']);
    const upper = await ft.http.get('/api/v2/workflows?filter[query]=TEAM:DB').set(DD_KEYS);
    expect(names(upper)).toEqual(['DB one']);
    const partial = await ft.http.get('/api/v2/workflows?filter[query]=team:s').set(DD_KEYS);
    expect(names(partial)).toEqual([]);
  });

  it('filters by trigger kind: filter[triggerIds]=api matches an apiTrigger, repeated values OR together', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'By API', spec: specWith('apiTrigger') });
    await create(ft, { name: 'By monitor', spec: specWith('monitorTrigger') });
    await create(ft, { name: 'By schedule', spec: specWith('scheduleTrigger') });
    await create(ft, { name: 'By monitor and API', spec: specWith('monitorTrigger', 'apiTrigger') });

    const api = await ft.http.get('/api/v2/workflows?filter[triggerIds]=api&sort=name').set(DD_KEYS);
    expect(names(api)).toEqual(['By API', 'By monitor and API']);
    expect(api.body.meta.page).toEqual({ totalCount: 4, totalFilteredCount: 2 });

    const two = await ft.http.get('/api/v2/workflows?filter[triggerIds]=schedule&filter[triggerIds]=monitor&sort=name').set(DD_KEYS);
    expect(names(two)).toEqual(['By monitor', 'By monitor and API', 'By schedule']);

    const none = await ft.http.get('/api/v2/workflows?filter[triggerIds]=githubWebhook').set(DD_KEYS);
    expect(names(none)).toEqual([]);
  });

  it('sorts by name by default, workflows of one name in no creation or id order, the same on every read (DD-ASSUME-5)', async () => {
    const ft = await testFlowtwin();
    for (const name of ['charlie', 'Bravo', 'alpha']) await create(ft, { name });
    expect(names(await ft.http.get('/api/v2/workflows').set(DD_KEYS))).toEqual(['alpha', 'Bravo', 'charlie']);

    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      created.push(await create(ft, { name: 'same' }));
      ft.clock.advance(1_000);
    }
    const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((d) => d.id);
    const listed = ids(await ft.http.get('/api/v2/workflows?filter[query]=same').set(DD_KEYS));
    expect([...listed].sort()).toEqual([...created].sort());
    expect(listed).not.toEqual(created);
    expect(listed).not.toEqual([...created].reverse());
    expect(listed).not.toEqual([...created].sort());
    expect(listed).not.toEqual([...created].sort().reverse());
    expect(ids(await ft.http.get('/api/v2/workflows?filter[query]=same').set(DD_KEYS))).toEqual(listed);
    const paged: string[] = [];
    for (let page = 0; page < 3; page++) paged.push(...ids(await ft.http.get(`/api/v2/workflows?filter[query]=same&limit=4&page=${page}`).set(DD_KEYS)));
    expect(paged).toEqual(listed);
  });

  it('sorts newest createdAt first with sort=-createdAt, oldest first with sort=createdAt', async () => {
    const ft = await testFlowtwin();
    for (const name of ['first', 'second', 'third']) {
      await create(ft, { name });
      ft.clock.advance(1_000);
    }
    expect(names(await ft.http.get('/api/v2/workflows?sort=-createdAt').set(DD_KEYS))).toEqual(['third', 'second', 'first']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=createdAt').set(DD_KEYS))).toEqual(['first', 'second', 'third']);
  });

  it('takes its default order from datadog.defaultWorkflowSort when set; an explicit sort still wins', async () => {
    const ft = await testFlowtwin({ vendors: { datadog: { defaultWorkflowSort: '-createdAt' } } });
    for (const name of ['b-first', 'a-second', 'c-third']) {
      await create(ft, { name });
      ft.clock.advance(1_000);
    }
    expect(names(await ft.http.get('/api/v2/workflows').set(DD_KEYS))).toEqual(['c-third', 'a-second', 'b-first']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=name').set(DD_KEYS))).toEqual(['a-second', 'b-first', 'c-third']);
  });

  it('refuses a defaultWorkflowSort that is not a sort expression before starting', async () => {
    await expect(testFlowtwin({ vendors: { datadog: { defaultWorkflowSort: 'newest' } } })).rejects.toThrow(/defaultWorkflowSort/);
  });

  it('sorts by name case-insensitively with sort=name and in reverse with sort=-name', async () => {
    const ft = await testFlowtwin();
    for (const name of ['charlie', 'Bravo', 'alpha', 'Delta']) await create(ft, { name });
    expect(names(await ft.http.get('/api/v2/workflows?sort=name').set(DD_KEYS))).toEqual(['alpha', 'Bravo', 'charlie', 'Delta']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=-name').set(DD_KEYS))).toEqual(['Delta', 'charlie', 'Bravo', 'alpha']);
  });

  it('sorts by updatedAt after an update moves a workflow to the front', async () => {
    const ft = await testFlowtwin();
    const first = await create(ft, { name: 'first' });
    ft.clock.advance(1_000);
    await create(ft, { name: 'second' });
    ft.clock.advance(1_000);
    await ft.http.patch(`/api/v2/workflows/${first}`).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { description: 'touched' } } }).expect(200);
    expect(names(await ft.http.get('/api/v2/workflows?sort=-updatedAt').set(DD_KEYS))).toEqual(['first', 'second']);
  });

  it('pages with limit and page, counting every match in totalFilteredCount', async () => {
    const ft = await testFlowtwin();
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5']) await create(ft, { name });
    const page = (n: number) => ft.http.get(`/api/v2/workflows?sort=name&limit=2&page=${n}`).set(DD_KEYS);
    const pages = await Promise.all([0, 1, 2, 3].map(page));
    expect(pages.map(names)).toEqual([['w1', 'w2'], ['w3', 'w4'], ['w5'], []]);
    for (const p of pages) expect(p.body.meta.page).toEqual({ totalCount: 5, totalFilteredCount: 5 });
  });

  it('returns at most 50 workflows without limit', async () => {
    const ft = await testFlowtwin();
    for (let i = 0; i < 51; i++) await create(ft, { name: `w${String(i).padStart(2, '0')}` });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.body.data).toHaveLength(50);
    expect(res.body.meta.page).toEqual({ totalCount: 51, totalFilteredCount: 51 });
    const max = await ft.http.get('/api/v2/workflows?limit=100').set(DD_KEYS);
    expect(max.body.data).toHaveLength(51);
  });

  it.each([['0'], ['101'], ['abc'], ['1.5'], ['-1']])('refuses limit=%s with 400 and a string error', async (limit) => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`/api/v2/workflows?limit=${limit}`).set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSON_TYPE);
    expect(res.body).toEqual({ errors: [expect.stringMatching(/^invalid parameter "limit" in "query"; .+/)] });
    expect(res.body.errors).toHaveLength(1);
  });

  it('words a bad limit as DD-ASSUME-4 documents it', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows?limit=101').set(DD_KEYS);
    expect(res.body).toEqual({ errors: ['invalid parameter "limit" in "query"; expected an integer from 1 to 100'] });
  });

  it('refuses a negative page, an unknown sort field and a non-boolean filter flag in the same dialect', async () => {
    const ft = await testFlowtwin();
    for (const [query, name] of [
      ['page=-1', 'page'],
      ['sort=size', 'sort'],
      ['sort=name,', 'sort'],
      ['filter[includeSpecs]=yes', 'filter[includeSpecs]'],
      ['filter[includeUnpublished]=2', 'filter[includeUnpublished]'],
    ] as const) {
      const res = await ft.http.get(`/api/v2/workflows?${query}`).set(DD_KEYS);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body.errors).toEqual([expect.stringContaining(`invalid parameter "${name}" in "query"; `)]);
    }
  });
});

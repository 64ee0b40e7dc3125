import { describe, expect, it } from 'vitest';
import { testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

describe('control plane: dashboard files', () => {
  it('serves the page at /__flowtwin/ui and /__flowtwin/ui/, loading only same-origin files', async () => {
    const ft = await testFlowtwin();
    for (const path of ['/__flowtwin/ui', '/__flowtwin/ui/', '/__flowtwin/ui/index.html']) {
      const res = conforms(path.endsWith('.html') ? 'GetDashboardAsset' : 'GetDashboard', await ft.http.get(path));
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('<title>flowtwin dashboard</title>');
      // No CDN, no font service: every src and href is a path on this server.
      const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.every((ref) => ref!.startsWith('/__flowtwin/ui/'))).toBe(true);
    }
  });

  it('serves its modules as JavaScript and its style sheet as CSS, none of them reaching off this origin', async () => {
    const ft = await testFlowtwin();
    for (const [file, type] of [['app.js', 'text/javascript'], ['api.js', 'text/javascript'], ['style.css', 'text/css']] as const) {
      const res = conforms('GetDashboardAsset', await ft.http.get(`/__flowtwin/ui/${file}`));
      expect(res.status, file).toBe(200);
      expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
      expect(res.text).not.toMatch(/https?:\/\//);
    }
  });

  it('answers 404 problem+json for a file it does not have, and never reads outside its folder', async () => {
    const ft = await testFlowtwin();
    for (const path of ['/__flowtwin/ui/nope.js', '/__flowtwin/ui/..%2Fpackage.json', '/__flowtwin/ui/%2E%2E%2Fspecs%2Fflowtwin-control.yaml', '/__flowtwin/ui/README.md']) {
      const res = conforms('GetDashboardAsset', await ft.http.get(path));
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/^the dashboard has no file "/);
    }
    const nested = await ft.http.get('/__flowtwin/ui/a/b.js');
    expect(nested.status).toBe(404);
    expect(nested.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import request from 'supertest';
import { IS_PUBLIC } from '../../src/common/auth.decorators.js';
import { createTestApp, type TestApp } from '../setup/create-test-app.js';

/** Every route of the application as "METHOD /api/path", with whether it is marked @Public(). */
function routes(t: TestApp): Array<{ route: string; isPublic: boolean }> {
  const found: Array<{ route: string; isPublic: boolean }> = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classPublic = Reflect.getMetadata(IS_PUBLIC, controller) === true;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const path = ['api', base, String(Reflect.getMetadata(PATH_METADATA, handler))].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
        found.push({ route: `${method} /${path}`, isPublic: classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true });
      }
    }
  }
  return found;
}

describe('the global auth guard', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets anonymous requests reach only health and the sign-in routes (the explicit public list)', async () => {
    const all = routes(t);
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((r) => r.isPublic).map((r) => r.route).sort()).toEqual([
      'GET /api/auth/google',
      'GET /api/auth/google/callback',
      'GET /api/auth/options',
      'GET /api/health',
      'POST /api/auth/dev-login',
    ]);
    const anonymous = await request(t.http).get('/api/users').expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const forgedToken = await request(t.http).get('/api/auth/tokens').set('Authorization', 'Bearer hm_not-a-real-token').expect(401);
    expect(forgedToken.body.code).toBe('INVALID_TOKEN');
  });
});

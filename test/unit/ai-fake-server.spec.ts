import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic, { AuthenticationError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import sharp from 'sharp';
import { AnthropicFake, reply } from '../fakes/anthropic-fake-server.js';

const MODEL = 'claude-sonnet-4-6';
const longRubric = 'Award 2 points when the answer names all three stages. '.repeat(120);

describe('the fake Anthropic API, driven by the real SDK', () => {
  let fake: AnthropicFake;
  let sdk: Anthropic;

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    sdk = new Anthropic({ apiKey: fake.apiKey, baseURL: fake.baseUrl, maxRetries: 0 });
  });

  afterEach(() => {
    fake.reset();
    fake.latencyMs = 0;
    fake.requestsPerMinute = undefined;
    fake.rateLimitWindowMs = 60_000;
  });

  afterAll(async () => {
    await fake.stop();
  });

  const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) =>
    sdk.messages.create({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content }], ...extra });

  it('answers scripted replies in order, then the responder, with a request-id header', async () => {
    fake.enqueue(reply.text('first'), reply.toolUse('record_grade', { score: 'not a number' }, { id: 'toolu_1' }));
    fake.respondWith(() => reply.text('from the responder'));

    const first = await ask('one');
    const second = await ask('two').withResponse();
    const third = await ask('three');

    expect(first.content).toEqual([{ type: 'text', text: 'first' }]);
    expect(second.data.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'record_grade', input: { score: 'not a number' } }]);
    expect(second.data.stop_reason).toBe('tool_use');
    expect(second.request_id).toMatch(/^req_fake_/);
    expect(third.content).toEqual([{ type: 'text', text: 'from the responder' }]);
    expect(fake.messageRequests.map((request) => (request.body?.messages as Array<{ content: string }>)[0].content)).toEqual(['one', 'two', 'three']);
  });

  it('forces the named tool by default when tool_choice asks for one', async () => {
    const message = await ask('essay', {
      tools: [{ name: 'record_grade', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'tool', name: 'record_grade' },
    });

    expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'record_grade', input: {} });
  });

  it('checks the API key and the anthropic-version header', async () => {
    const wrongKey = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.baseUrl, maxRetries: 0 });
    await expect(wrongKey.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(AuthenticationError);

    const noVersion = await fetch(`${fake.baseUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': fake.apiKey, 'content-type': 'application/json' }, body: '{}' });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-ant-wrong');
  });

  it('rejects a malformed body naming the field', async () => {
    const response = await fetch(`${fake.baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': fake.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', message: 'max_tokens: must be a positive integer' } });
  });

  it('sends scripted errors with retry-after headers: 429 and 529', async () => {
    fake.enqueue(reply.rateLimited(600), reply.overloaded());

    const limited = await ask('x').catch((error: unknown) => error);
    const overloaded = await ask('x').catch((error: unknown) => error);

    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('600');
    expect(overloaded).toBeInstanceOf(OverloadedError);
  });

  it('answers 429 with retry-after past the requests-per-minute limit, and accepts again once the window moves', async () => {
    fake.requestsPerMinute = 2;
    fake.rateLimitWindowMs = 400;

    await ask('1');
    await ask('2');
    const limited = (await ask('3').catch((error: unknown) => error)) as RateLimitError;
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.headers.get('retry-after')).toBe('1');

    await new Promise((resolve) => setTimeout(resolve, 450));
    await expect(ask('4')).resolves.toMatchObject({ type: 'message' });
    expect(fake.messageRequests.map((request) => request.status)).toEqual([200, 200, 429, 200]);
  });

  it('delays replies by the configured latency and records the most requests in flight', async () => {
    fake.latencyMs = 100;

    const started = performance.now();
    await Promise.all([ask('a'), ask('b'), ask('c')]);

    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    expect(fake.maxInFlight).toBe(3);
    expect(fake.inFlight).toBe(0);
  });

  it('simulates the prompt cache: the first identical prefix writes, later ones read', async () => {
    const system = [{ type: 'text' as const, text: longRubric, cache_control: { type: 'ephemeral' as const } }];

    const first = await ask('essay A', { system });
    const second = await ask('essay B', { system });
    const otherModel = await ask('essay C', { system, model: 'claude-opus-4-8' });

    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: first.usage.cache_creation_input_tokens });
    expect(second.usage.input_tokens).toBeLessThan(50);
    expect(otherModel.usage.cache_read_input_tokens).toBe(0);
    const [a, b] = fake.messageRequests;
    expect(a.prefix?.hash).toBe(b.prefix?.hash);
    expect(a.prefix?.bytes).toContain('Award 2 points');
    expect(a.prefix?.bytes).not.toContain('cache_control');
  });

  it('caches nothing below the model minimum and reports 1-hour writes separately', async () => {
    const small = await ask('essay', { system: [{ type: 'text', text: 'Grade it.', cache_control: { type: 'ephemeral' } }] });
    expect(small.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

    const hour = await ask('essay', { system: [{ type: 'text', text: longRubric, cache_control: { type: 'ephemeral', ttl: '1h' } }] });
    expect(hour.usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: hour.usage.cache_creation_input_tokens });

    const haiku = await ask('essay', { model: 'claude-haiku-4-5', system: [{ type: 'text', text: longRubric, cache_control: { type: 'ephemeral' } }] });
    expect(haiku.usage.cache_creation_input_tokens).toBe(0);
  });

  it('counts an image by its pixel size after downscaling', async () => {
    const png = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#ffffff' } }).png().toBuffer();

    const message = await sdk.messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') }, cache_control: { type: 'ephemeral' } }] }],
    });

    // 3000 x 3000 is scaled to 1072 x 1072 (about 1.15 MP): 1,533 tokens, all written to the cache.
    expect(message.usage.cache_creation_input_tokens).toBe(Math.ceil((1072 * 1072) / 750));
  });

  it('runs message batches: in progress, then ended with an absolute results_url and JSONL results', async () => {
    fake.scriptBatches({
      processingMs: 150,
      outcomes: (request) => (request.custom_id === 'b' ? { type: 'errored', errorType: 'invalid_request_error', message: 'bad image' } : request.custom_id === 'c' ? { type: 'expired' } : undefined),
    });
    const params = { model: MODEL, max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };

    const batch = await sdk.messages.batches.create({ requests: ['a', 'b', 'c'].map((custom_id) => ({ custom_id, params })) });
    expect(batch).toMatchObject({ processing_status: 'in_progress', results_url: null, request_counts: { processing: 3 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ended = await sdk.messages.batches.retrieve(batch.id);
    const results = [];
    for await (const entry of await sdk.messages.batches.results(batch.id)) results.push(entry);

    expect(ended).toMatchObject({ processing_status: 'ended', request_counts: { processing: 0, succeeded: 1, errored: 1, expired: 1, canceled: 0 } });
    expect(ended.results_url).toBe(`${fake.baseUrl}/v1/messages/batches/${batch.id}/results`);
    expect(results.map((entry) => [entry.custom_id, entry.result.type])).toEqual([['a', 'succeeded'], ['b', 'errored'], ['c', 'expired']]);
    expect(results[0].result.type === 'succeeded' && results[0].result.message.usage.service_tier).toBe('batch');
    expect(results[1].result).toEqual({ type: 'errored', error: expect.objectContaining({ type: 'error', error: { type: 'invalid_request_error', message: 'bad image' } }) });
  });

  it('cancels a batch, refuses duplicate custom ids, and 404s an unknown batch', async () => {
    const params = { model: MODEL, max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
    const batch = await sdk.messages.batches.create({ requests: [{ custom_id: 'a', params }] });

    const canceled = await sdk.messages.batches.cancel(batch.id);
    const results = [];
    for await (const entry of await sdk.messages.batches.results(batch.id)) results.push(entry);

    expect(canceled.cancel_initiated_at).not.toBeNull();
    expect(results).toEqual([{ custom_id: 'a', result: { type: 'canceled' } }]);
    await expect(sdk.messages.batches.create({ requests: [{ custom_id: 'a', params }, { custom_id: 'a', params }] })).rejects.toMatchObject({
      status: 400,
      apiMessage: 'requests.1.custom_id: "a" is used twice',
    });
    await expect(sdk.messages.batches.retrieve('msgbatch_missing')).rejects.toMatchObject({ status: 404, type: 'not_found_error' });
  });
});

import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AiAbortedError, AiDisabledError, AiError, AiOverloadedError, AiRequestError, AiTimeoutError, RateLimitedError } from '../../libs/ai/ai-errors.js';
import { ClaudeClient, type ClaudeBatchResult, type ClaudeClientOptions } from '../../libs/ai/claude-client.js';
import { buildCachedRequest, estimatePrompt } from '../../libs/ai/prompt-cache.js';
import { loadConfig } from '../../libs/config/config.js';
import { AnthropicFake, reply } from '../fakes/anthropic-fake-server.js';

/** A current model (the SDK warns on every call to the deprecated claude-sonnet-4-5-20250929). */
const MODEL = 'claude-sonnet-4-6';

const gradeTool = {
  name: 'record_grade',
  description: 'Record the transcription and the score of every rubric criterion.',
  input_schema: {
    type: 'object' as const,
    properties: {
      transcription: { type: 'string' },
      criteria: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, score: { type: 'number' } } } },
    },
    required: ['transcription', 'criteria'],
  },
};

const gradeInput = { transcription: 'Water evaporates, condenses and falls as rain.', criteria: [{ id: 'c1', score: 3 }] };

function gradingRequest(studentText = 'Water evaporates, condenses and falls as rain.') {
  return {
    max_tokens: 1024,
    tools: [gradeTool],
    tool_choice: { type: 'tool' as const, name: 'record_grade' },
    messages: [{ role: 'user' as const, content: studentText }],
  };
}

async function failureOf(promise: Promise<unknown>): Promise<AiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AiError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('ClaudeClient against the fake Anthropic API', () => {
  let fake: AnthropicFake;

  /** A client built from the configuration, as the app builds it, with short backoffs for tests. */
  function client(env: Record<string, string> = {}, tuning: Partial<ClaudeClientOptions> = {}): ClaudeClient {
    const config = loadConfig({ ...fake.env, ANTHROPIC_MODEL: MODEL, ...env });
    return new ClaudeClient({ ...config.ai, backoffBaseMs: 5, backoffMaxMs: 20, ...tuning });
  }

  beforeAll(async () => {
    fake = await AnthropicFake.start();
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

  it('returns the tool_use reply with tokens, cost, request id, latency and the model that answered', async () => {
    fake.enqueue(reply.toolUse('record_grade', gradeInput, { usage: { input_tokens: 1200, output_tokens: 300 } }));

    const result = await client().createMessage(gradingRequest());

    expect(result.message.stop_reason).toBe('tool_use');
    expect(result.message.content[0]).toMatchObject({ type: 'tool_use', name: 'record_grade', input: gradeInput });
    expect(result.usage).toEqual({ inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 });
    expect(result.costUsd).toBeCloseTo((1200 * 3 + 300 * 15) / 1_000_000, 9);
    expect(result.model).toBe(MODEL);
    expect(result.requestId).toMatch(/^req_fake_/);
    expect(result.attempts).toBe(1);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    const [sent] = fake.messageRequests;
    expect(sent.body).toMatchObject({ model: MODEL, tool_choice: { type: 'tool', name: 'record_grade' } });
    expect(sent.headers['anthropic-version']).toBeDefined();
    expect(sent.headers.authorization ?? sent.headers['x-api-key']).toContain(fake.apiKey);
  });

  it('retries a 429 with a short retry-after and succeeds, halving the concurrency limit', async () => {
    fake.enqueue(reply.rateLimited(undefined, { retryAfterMs: 80 }), reply.toolUse('record_grade', gradeInput));
    const claude = client({ AI_MAX_CONCURRENCY: '4' });

    const started = performance.now();
    const result = await claude.createMessage(gradingRequest());

    expect(result.attempts).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(fake.messageRequests.map((request) => request.status)).toEqual([429, 200]);
    expect(claude.limiter.limit).toBe(2);
  });

  it('fails fast with RateLimitedError carrying the wait when retry-after is over the cap, and holds back the next call too', async () => {
    fake.enqueue(reply.rateLimited(3600));
    const claude = client({ AI_MAX_RETRY_AFTER_MS: '60000' });

    const started = performance.now();
    const error = await failureOf(claude.createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000);
    expect(error.attempts).toBe(1);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('60 min');
    expect(performance.now() - started).toBeLessThan(1000);

    const next = await failureOf(claude.createMessage(gradingRequest()));
    expect(next).toBeInstanceOf(RateLimitedError);
    expect((next as RateLimitedError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('retries 529 overloaded twice, halving the limit each time, and grows it back after successes', async () => {
    fake.enqueue(reply.overloaded(), reply.overloaded(), reply.toolUse('record_grade', gradeInput));
    const claude = client({ AI_MAX_CONCURRENCY: '4' }, { successesToGrow: 2 });

    const result = await claude.createMessage(gradingRequest());

    expect(result.attempts).toBe(3);
    expect(claude.limiter.limit).toBe(1);
    const limits: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await claude.createMessage(gradingRequest());
      limits.push(claude.limiter.limit);
    }
    // The retried call's own success counts: two successes per step back up.
    expect(limits).toEqual([2, 2, 3, 3, 4, 4]);
  });

  it('gives up with AiOverloadedError when 529 outlasts the retries', async () => {
    fake.respondWith(() => reply.overloaded());

    const error = await failureOf(client({ AI_MAX_RETRIES: '1' }).createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiOverloadedError);
    expect(error.attempts).toBe(2);
    expect(error.requestId).toMatch(/^req_fake_/);
  });

  it('stops a reply slower than the deadline with AiTimeoutError, without retrying past it', async () => {
    fake.respondWith(() => reply.slow(3_000, reply.toolUse('record_grade', gradeInput)));

    const started = performance.now();
    const error = await failureOf(client({ AI_MAX_RETRIES: '3' }).createMessage(gradingRequest(), { deadlineMs: 300 }));

    expect(error).toBeInstanceOf(AiTimeoutError);
    expect(error.attempts).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('uses AI_REQUEST_TIMEOUT_MS as the default deadline', async () => {
    fake.respondWith(() => reply.slow(3_000, reply.text('late')));

    const error = await failureOf(client({ AI_REQUEST_TIMEOUT_MS: '1000' }).createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiTimeoutError);
    expect(error.message).toContain('1 s');
  });

  it('retries 500s at most AI_MAX_RETRIES times, then fails with AiRequestError and the status', async () => {
    fake.respondWith(() => reply.serverError(500));

    const error = await failureOf(client({ AI_MAX_RETRIES: '2' }).createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiRequestError);
    expect((error as AiRequestError).status).toBe(500);
    expect(error.attempts).toBe(3);
    expect(error.retryable).toBe(true);
    expect(fake.messageRequests).toHaveLength(3);
  });

  it('does not retry a request Claude rejects as invalid, and says why', async () => {
    fake.enqueue(reply.error(400, 'invalid_request_error', 'messages.0.content: image too large'));

    const error = await failureOf(client().createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiRequestError);
    expect((error as AiRequestError).status).toBe(400);
    expect((error as AiRequestError).apiErrorType).toBe('invalid_request_error');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Claude rejected the request as invalid (400): messages.0.content: image too large');
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('names the API key when it is rejected', async () => {
    const error = await failureOf(client({ ANTHROPIC_API_KEY: 'sk-ant-wrong' }).createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiRequestError);
    expect((error as AiRequestError).status).toBe(401);
    expect(error.message).toContain('ANTHROPIC_API_KEY');
  });

  it('without an API key, reports AI grading as disabled and sends nothing', async () => {
    const config = loadConfig({ ANTHROPIC_BASE_URL: fake.baseUrl });
    const claude = new ClaudeClient(config.ai);

    expect(config.ai.enabled).toBe(false);
    expect(claude.enabled).toBe(false);
    expect(claude.status()).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('ANTHROPIC_API_KEY') });
    const error = await failureOf(claude.createMessage(gradingRequest()));
    expect(error).toBeInstanceOf(AiDisabledError);
    expect(error.message).toContain('ANTHROPIC_API_KEY is not set');
    await expect(claude.createBatch([{ customId: 'a', params: gradingRequest() }])).rejects.toBeInstanceOf(AiDisabledError);
    expect(fake.requests).toHaveLength(0);
  });

  it('ends a call the caller cancels with AiAbortedError', async () => {
    fake.respondWith(() => reply.slow(2_000, reply.text('late')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const error = await failureOf(client().createMessage(gradingRequest(), { signal: controller.signal }));

    expect(error).toBeInstanceOf(AiAbortedError);
  });

  it('retries when the API cannot be reached, then says where it tried', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });

    const error = await failureOf(client({ ANTHROPIC_BASE_URL: `http://127.0.0.1:${closedPort}`, AI_MAX_RETRIES: '1' }).createMessage(gradingRequest()));

    expect(error).toBeInstanceOf(AiRequestError);
    expect((error as AiRequestError).status).toBeNull();
    expect(error.attempts).toBe(2);
    expect(error.message).toContain(`127.0.0.1:${closedPort}`);
  });

  it('reads a cached prefix on the second request with the same rubric', async () => {
    const rubric = `Rubric for the water cycle essay.\n${'Criterion: explains evaporation, condensation and precipitation with examples. '.repeat(80)}`;
    const build = (essay: string) =>
      buildCachedRequest({ model: MODEL, maxTokens: 1024, system: rubric, tools: [gradeTool], toolChoice: { type: 'tool', name: 'record_grade' }, content: essay });
    const claude = client();
    expect(estimatePrompt(build('first')).cacheable).toBe(true);

    const first = await claude.createMessage(build('Essay by student A: the sun heats the sea.'));
    const second = await claude.createMessage(build('Essay by student B: clouds are made of droplets.'));

    expect(first.usage.cacheWriteTokens).toBeGreaterThan(1024);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBe(0);
    expect(second.costUsd!).toBeLessThan(first.costUsd!);
    const [a, b] = fake.messageRequests;
    expect(a.prefix?.hash).toBe(b.prefix?.hash);
    expect(a.prefix?.bytes).toBe(b.prefix?.bytes);
  });

  it('caches nothing when the prefix is below the model minimum, as the real API silently does', async () => {
    const build = (essay: string) => buildCachedRequest({ model: MODEL, maxTokens: 1024, system: 'Grade the essay out of 4.', tools: [gradeTool], content: essay });
    const claude = client();
    expect(estimatePrompt(build('x')).cacheable).toBe(false);

    const first = await claude.createMessage(build('Essay A'));
    const second = await claude.createMessage(build('Essay B'));

    for (const result of [first, second]) {
      expect(result.usage.cacheWriteTokens).toBe(0);
      expect(result.usage.cacheReadTokens).toBe(0);
    }
  });

  it('prices 1-hour cache writes at 2x input', async () => {
    fake.enqueue(reply.text('ok', { usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 1_000_000, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1_000_000 } } }));

    const result = await client().createMessage(gradingRequest());

    expect(result.usage).toMatchObject({ cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 });
    expect(result.costUsd).toBe(6);
  });

  it('runs a batch: create, poll until ended, import succeeded, errored and expired results at batch prices', async () => {
    fake.scriptBatches({
      processingMs: 300,
      outcomes: {
        'sub-1': { type: 'succeeded', reply: reply.toolUse('record_grade', gradeInput, { usage: { input_tokens: 2000, output_tokens: 400 } }) },
        'sub-2': { type: 'errored', errorType: 'invalid_request_error', message: 'messages.0.content.0: image could not be decoded' },
        'sub-3': { type: 'expired' },
        'sub-4': { type: 'errored', errorType: 'overloaded_error', message: 'Overloaded' },
      },
    });
    const claude = client();

    const created = await claude.createBatch(['sub-1', 'sub-2', 'sub-3', 'sub-4'].map((customId) => ({ customId, params: gradingRequest() })));
    expect(created).toMatchObject({ status: 'in_progress', resultsUrl: null, counts: { processing: 4 } });
    expect(created.id).toMatch(/^msgbatch_/);

    let batch = await claude.retrieveBatch(created.id);
    while (batch.status !== 'ended') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      batch = await claude.retrieveBatch(created.id);
    }
    expect(batch.counts).toEqual({ processing: 0, succeeded: 1, errored: 2, expired: 1, canceled: 0 });
    expect(batch.resultsUrl).toBe(`${fake.baseUrl}/v1/messages/batches/${created.id}/results`);

    const results = await collect(claude.batchResults(created.id));
    const byId = Object.fromEntries(results.map((result) => [result.customId, result])) as Record<string, ClaudeBatchResult>;
    expect(byId['sub-1']).toMatchObject({ type: 'succeeded', model: MODEL, usage: { inputTokens: 2000, outputTokens: 400 } });
    expect(byId['sub-1'].type === 'succeeded' && byId['sub-1'].costUsd).toBeCloseTo(((2000 * 3 + 400 * 15) / 1_000_000) * 0.5, 9);
    expect(byId['sub-2']).toEqual({
      customId: 'sub-2',
      type: 'errored',
      error: { type: 'invalid_request_error', message: 'messages.0.content.0: image could not be decoded' },
      retryable: false,
    });
    expect(byId['sub-3']).toEqual({ customId: 'sub-3', type: 'expired' });
    expect(byId['sub-4']).toMatchObject({ type: 'errored', retryable: true });
    expect(fake.requests.some((request) => request.method === 'GET' && request.path.endsWith('/results'))).toBe(true);
  });

  it('never has more requests in flight than the limit, queueing the rest', async () => {
    fake.latencyMs = 60;
    const claude = client({ AI_MAX_CONCURRENCY: '4' });

    const calls = Array.from({ length: 20 }, (_, i) => claude.createMessage(gradingRequest(`essay ${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(claude.limiter.queueLength).toBe(16);
    expect(claude.limiter.inFlight).toBe(4);
    const results = await Promise.all(calls);

    expect(results).toHaveLength(20);
    expect(fake.maxInFlight).toBe(4);
    expect(claude.status()).toMatchObject({ enabled: true, limit: 4, inFlight: 0, queueLength: 0 });
  });

  it('gives up waiting for a slot after queueTimeoutMs', async () => {
    fake.latencyMs = 300;
    const claude = client({ AI_MAX_CONCURRENCY: '1' });

    const first = claude.createMessage(gradingRequest('first'));
    const error = await failureOf(claude.createMessage(gradingRequest('second'), { queueTimeoutMs: 50 }));

    expect(error).toBeInstanceOf(AiTimeoutError);
    expect(error.message).toContain('No slot to call Claude freed up within 50 ms');
    await first;
    expect(fake.messageRequests).toHaveLength(1);
  });

  it('keeps throughput near the rate limit when the API answers 429 past it', async () => {
    fake.requestsPerMinute = 10;
    fake.rateLimitWindowMs = 1_000;
    fake.latencyMs = 20;
    const claude = client({ AI_MAX_CONCURRENCY: '4', AI_MAX_RETRIES: '5' });

    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => claude.createMessage(gradingRequest(`essay ${i}`))));
    const seconds = (performance.now() - started) / 1000;

    expect(results).toHaveLength(30);
    // 30 requests at 10 per second need a little over 2 s (the first 10 go at once); retry-after is whole seconds.
    expect(seconds).toBeLessThan(4.5);
  });
});

import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { DEFAULT_MODEL_PRICES, lookupModel, parseModelPrices } from '../../libs/ai/model-catalog.js';
import {
  buildCachedRequest,
  countTokensEstimate,
  estimatePrompt,
  imageDimensions,
  imageTokensEstimate,
  minimumCacheableTokens,
  modelImageSize,
  prefixIsCacheable,
} from '../../libs/ai/prompt-cache.js';

const tool = {
  name: 'record_grade',
  input_schema: { type: 'object' as const, properties: { transcription: { type: 'string' }, score: { type: 'number' } }, required: ['transcription'] },
};
const rubric = 'Criterion 1: states the thesis clearly. '.repeat(200);

describe('buildCachedRequest', () => {
  it('marks only the last block of the shared prefix with cache_control', () => {
    const request = buildCachedRequest({
      model: 'claude-sonnet-4-6',
      maxTokens: 2048,
      system: rubric,
      tools: [tool],
      toolChoice: { type: 'tool', name: 'record_grade' },
      sharedContent: [{ type: 'text', text: 'Answer key: 42.' }],
      content: 'Student essay',
    });

    expect(request.tools).toEqual([tool]);
    expect(request.system).toEqual([{ type: 'text', text: rubric }]);
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Answer key: 42.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Student essay' },
        ],
      },
    ]);
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'record_grade' });
  });

  it('puts the marker on the last system block without shared content, and honours a 1-hour TTL', () => {
    const request = buildCachedRequest({ model: 'claude-sonnet-4-6', maxTokens: 100, system: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], content: 'x', ttl: '1h' });

    expect(request.system).toEqual([{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
  });

  it('removes markers the caller left in the student work or elsewhere, and copies the prefix', () => {
    const system = [{ type: 'text' as const, text: rubric, cache_control: { type: 'ephemeral' as const } }];
    const request = buildCachedRequest({
      model: 'claude-sonnet-4-6',
      maxTokens: 100,
      system,
      tools: [tool],
      content: [{ type: 'text', text: 'essay', cache_control: { type: 'ephemeral' } }],
    });
    system[0].text = 'changed afterwards';

    expect(JSON.stringify(request).match(/cache_control/g)).toHaveLength(1);
    expect(request.system).toEqual([{ type: 'text', text: rubric, cache_control: { type: 'ephemeral' } }]);
  });

  it('gives the same prefix hash for every student and a different one when the rubric changes', () => {
    const build = (system: string, essay: string) => buildCachedRequest({ model: 'claude-sonnet-4-6', maxTokens: 100, system, tools: [tool], content: essay });

    const a = estimatePrompt(build(rubric, 'essay A'));
    const b = estimatePrompt(build(rubric, 'a much longer essay B'));
    const edited = estimatePrompt(build(`${rubric} `, 'essay A'));

    expect(a.prefixHash).toBe(b.prefixHash);
    expect(edited.prefixHash).not.toBe(a.prefixHash);
    expect(a.prefixTokens).toBe(b.prefixTokens);
    expect(b.totalTokens).toBeGreaterThan(a.totalTokens);
  });
});

describe('estimates', () => {
  it('counts about four characters per token', () => {
    expect(countTokensEstimate('')).toBe(0);
    expect(countTokensEstimate('abcd')).toBe(1);
    expect(countTokensEstimate('x'.repeat(4001))).toBe(1001);
  });

  it('downscales images to a 1568 px long edge and about 1.15 MP before counting width * height / 750', () => {
    expect(imageTokensEstimate(750, 1000)).toBe(1000);
    expect(modelImageSize(3136, 1000)).toEqual({ width: 1568, height: 500 });
    expect(modelImageSize(2480, 3508).height).toBeLessThanOrEqual(1568);
    const a4 = modelImageSize(2480, 3508);
    expect(a4.width * a4.height).toBeLessThanOrEqual(1_150_000);
    expect(imageTokensEstimate(2480, 3508)).toBeLessThanOrEqual(Math.ceil(1_150_000 / 750));
    expect(imageTokensEstimate(200, 200)).toBe(54);
  });

  it('reads image sizes from PNG, JPEG and WebP headers', async () => {
    const base = sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } });

    expect(imageDimensions(await base.clone().png().toBuffer())).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(await base.clone().jpeg().toBuffer())).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(await base.clone().webp().toBuffer())).toEqual({ width: 640, height: 480 });
    expect(imageDimensions(Buffer.from('not an image'))).toBeUndefined();
  });

  it('counts an image block in the prompt by its pixel size', async () => {
    const png = await sharp({ create: { width: 750, height: 1000, channels: 3, background: '#ffffff' } }).png().toBuffer();
    const request = buildCachedRequest({
      model: 'claude-sonnet-4-6',
      maxTokens: 100,
      system: 'x'.repeat(400),
      content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } }],
    });

    expect(estimatePrompt(request)).toMatchObject({ prefixTokens: 100, totalTokens: 1100 });
  });
});

describe('minimum cacheable prefix', () => {
  it('knows the minimum per model, for aliases and dated ids, and assumes the largest for unknown models', () => {
    expect(minimumCacheableTokens('claude-sonnet-4-5-20250929')).toBe(1024);
    expect(minimumCacheableTokens('claude-sonnet-4-6')).toBe(1024);
    expect(minimumCacheableTokens('claude-opus-4-1-20250805')).toBe(1024);
    expect(minimumCacheableTokens('claude-opus-4-5-20251101')).toBe(4096);
    expect(minimumCacheableTokens('claude-haiku-4-5-20251001')).toBe(4096);
    expect(minimumCacheableTokens('claude-haiku-3-5-20241022')).toBe(2048);
    expect(minimumCacheableTokens('some-gateway-model')).toBe(4096);
  });

  it('says whether an estimated prefix reaches it', () => {
    expect(prefixIsCacheable(1024, 'claude-sonnet-4-6')).toBe(true);
    expect(prefixIsCacheable(1023, 'claude-sonnet-4-6')).toBe(false);
    expect(prefixIsCacheable(2000, 'claude-haiku-4-5')).toBe(false);
    const small = buildCachedRequest({ model: 'claude-sonnet-4-6', maxTokens: 100, system: 'Grade it.', content: 'essay' });
    expect(estimatePrompt(small).cacheable).toBe(false);
    expect(estimatePrompt(buildCachedRequest({ model: 'claude-sonnet-4-6', maxTokens: 100, system: rubric, content: 'essay' })).cacheable).toBe(true);
  });
});

describe('model prices', () => {
  it('finds the price of a dated id through its alias, never through a shorter family name', () => {
    expect(lookupModel(DEFAULT_MODEL_PRICES, 'claude-sonnet-4-5-20250929')).toEqual({ input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 });
    expect(lookupModel(DEFAULT_MODEL_PRICES, 'claude-opus-4-1-20250805')?.input).toBe(15);
    expect(lookupModel(DEFAULT_MODEL_PRICES, 'claude-opus-4-5-20251101')?.input).toBe(5);
    expect(lookupModel(DEFAULT_MODEL_PRICES, 'claude-unknown-1')).toBeUndefined();
  });

  it('reads AI_PRICES overrides, filling cache prices from the input price, and names every mistake', () => {
    expect(parseModelPrices('AI_PRICES', '{"claude-sonnet-4-6":{"input":2,"output":10,"cacheRead":0.1}}')).toEqual({
      prices: { 'claude-sonnet-4-6': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 } },
      problems: [],
    });
    expect(parseModelPrices('AI_PRICES', 'not json').problems).toEqual(['AI_PRICES must be a JSON object of model id to prices (it is not valid JSON)']);
    expect(parseModelPrices('AI_PRICES', '{"m":{"input":-1,"output":1,"cache":2},"n":{"input":1}}').problems).toEqual([
      'AI_PRICES["m"] has unknown field(s) cache (allowed: input, output, cacheWrite5m, cacheWrite1h, cacheRead)',
      'AI_PRICES["m"].input must be a number of USD per million tokens, 0 or more',
      'AI_PRICES["n"] needs both input and output prices',
    ]);
  });
});

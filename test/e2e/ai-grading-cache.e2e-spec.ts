import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { minimumCacheableTokens } from '../../libs/ai/prompt-cache.js';
import { AnthropicFake } from '../fakes/anthropic-fake-server.js';
import { activeAssignment, createAiGradingApp, gradeReply, marker, scriptByMarker, uploadMarkedEssay, waitForStatus } from '../factories/ai-grading.js';
import { moveTo } from '../factories/assignments.js';
import { gradeRow } from '../factories/grading.js';
import { signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

const SUBMISSIONS = 30;
const MODEL = 'claude-sonnet-4-6';

/**
 * The cached prefix (tool, system prompt, instructions, rubric) is byte-identical for every
 * submission of a grading run, long enough for the configured model to cache it (below the minimum
 * the API silently caches nothing), and only the first request of the run writes it.
 */
describe('the prompt cache across one grading run', () => {
  let fake: AnthropicFake;
  let t: TestApp;

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    t = await createAiGradingApp(fake, { ANTHROPIC_MODEL: MODEL });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it(`sends ${SUBMISSIONS} submissions with one byte-identical, cacheable prefix, written once and read by every later request`, async () => {
    const teacher = await signIn(t);
    const title = `Fractions ${marker()}`;
    const setup = await activeAssignment(teacher, { activate: false, body: { title } });
    scriptByMarker(fake, {}, gradeReply());
    const refs = Array.from({ length: SUBMISSIONS }, () => marker());
    const submissions = [];
    for (const ref of refs) submissions.push(await uploadMarkedEssay(teacher, setup.assignmentId, ref));
    await moveTo(teacher, setup.assignmentId, 'active');
    for (const submission of submissions) await waitForStatus(t.dataSource, submission.id, ['graded']);

    const requests = fake.messageRequests.filter((request) => JSON.stringify(request.body).includes(title));
    expect(requests).toHaveLength(SUBMISSIONS);
    const prefixes = requests.map((request) => request.prefix!);
    expect(new Set(prefixes.map((prefix) => prefix.hash)).size).toBe(1);
    expect(new Set(prefixes.map((prefix) => prefix.bytes)).size).toBe(1);
    // Everything before the student's work, and nothing of it.
    const [prefix] = prefixes;
    expect(prefix.bytes).toContain(title);
    expect(prefix.bytes).toContain('Criterion id');
    for (const ref of refs) expect(prefix.bytes).not.toContain(ref);
    expect(prefix.bytes).not.toContain('student_work kind');
    expect(prefix.tokens).toBeGreaterThanOrEqual(minimumCacheableTokens(MODEL));

    // The first request went alone and wrote the cache; all the others read it.
    const byTime = [...requests].sort((a, b) => a.receivedAt - b.receivedAt);
    const usages = await Promise.all(submissions.map(async (submission) => (await gradeRow(t.dataSource, submission.id))!.ai_reasoning));
    const writers = usages.filter((usage) => usage.cacheWriteTokens > 0);
    expect(writers).toHaveLength(1);
    expect(writers[0].cacheReadTokens).toBe(0);
    expect(writers[0].cacheWriteTokens).toBe(prefix.tokens);
    const readers = usages.filter((usage) => usage.cacheWriteTokens === 0);
    expect(readers).toHaveLength(SUBMISSIONS - 1);
    for (const usage of readers) expect(usage.cacheReadTokens).toBe(prefix.tokens);
    expect(usages.every((usage) => usage.prefix.cacheable === true)).toBe(true);
    expect(byTime.slice(1).every((request) => request.receivedAt >= byTime[0].receivedAt)).toBe(true);
    const readShare = readers.reduce((sum, usage) => sum + usage.cacheReadTokens, 0) / ((SUBMISSIONS - 1) * prefix.tokens);
    expect(readShare).toBe(1);
  }, 90_000);
});

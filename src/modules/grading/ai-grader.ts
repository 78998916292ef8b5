import { Inject, Injectable } from '@nestjs/common';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import { DataSource } from 'typeorm';
import { type ClaudeMessageResult, ClaudeClient, type ClaudeUsage } from '../../../libs/ai/claude-client.js';
import { scoreAnswerKey } from '../../../libs/answer-key/answer-key.js';
import { estimatePrompt, type PromptEstimate } from '../../../libs/ai/prompt-cache.js';
import type { AppConfig } from '../../../libs/config/config.js';
import { APP_CONFIG } from '../../../libs/config/config.module.js';
import { LocalBlobStorage } from '../../../libs/storage/blob-storage.js';
import { AI_GRADING_PROMPT_VERSION, buildGradingRequest, buildRepairRequest, type GradingContext, toolNameFor } from './ai-grading.prompt.js';
import { type GradingTarget, loadGradingContext, loadGradingTarget, loadStudentWork } from './ai-grading.sources.js';
import { type ValidReply, validateAnswerKeyReply, validateRubricReply, type ValidationResult } from './ai-grading.validation.js';
import type { GradeProposal } from './commands/propose-grade.command.js';
import { questionId } from './grading.rules.js';

/** A request ready to send, with what the grade will record about it. */
export interface PreparedGrading {
  target: GradingTarget;
  context: GradingContext;
  request: MessageCreateParamsNonStreaming;
  estimate: PromptEstimate;
  pages: number;
}

export type PrepareResult = { ok: true; prepared: PreparedGrading } | { ok: false; reason: string; final: boolean };

/** One call's record, kept in ai_reasoning.calls. */
export interface CallRecord {
  requestId: string | null;
  model: string;
  via: 'interactive' | 'batch';
  usage: ClaudeUsage;
  costUsd: number | null;
  latencyMs: number | null;
  stopReason: string | null;
}

export type GradingOutcome = { ok: true; reply: ValidReply; calls: CallRecord[]; repairProblems: string[] | null } | { ok: false; problems: string[]; calls: CallRecord[] };

/**
 * Turns a submission into a Claude request and Claude's answer into a checked proposal: the part of
 * AI grading shared by interactive jobs and Message Batches imports. Never writes; callers claim the
 * submission before and store the proposal (or the failure) after, each in its own transaction.
 */
@Injectable()
export class AiGrader {
  readonly blobs: LocalBlobStorage;
  private readonly warmup = new PrefixWarmup();

  constructor(
    readonly claude: ClaudeClient,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.blobs = new LocalBlobStorage(config.storage.dir);
  }

  async prepare(submissionId: string): Promise<PrepareResult> {
    const manager = this.dataSource.manager;
    const target = await loadGradingTarget(manager, submissionId);
    const work = await loadStudentWork(manager, this.blobs, submissionId, target.sourceKind);
    if (!work.ready) return { ok: false, reason: work.reason, final: work.final };
    const context = await loadGradingContext(manager, target);
    const request = buildGradingRequest(this.claude.model, context, work.work);
    return { ok: true, prepared: { target, context, request, estimate: estimatePrompt(request), pages: work.pages } };
  }

  /**
   * Sends the request (the first request with a new prefix goes alone, so the others read it from
   * the cache), checks the answer, and makes the one repair attempt when it does not fit.
   */
  async grade(prepared: PreparedGrading, signal?: AbortSignal): Promise<GradingOutcome> {
    const first = await this.warmup.run(prepared.estimate.prefixHash, () => this.claude.createMessage(prepared.request, { signal }));
    return this.checkWithRepair(prepared, first.message, [interactiveRecord(first)], signal);
  }

  /** Checks an answer already received (a batch result), repairing it once interactively when it does not fit. */
  async checkWithRepair(prepared: PreparedGrading, message: Message, calls: CallRecord[], signal?: AbortSignal): Promise<GradingOutcome> {
    const checked = this.validate(prepared.context, message);
    if (checked.ok) return { ok: true, reply: checked.value, calls, repairProblems: null };
    const repair = await this.claude.createMessage(buildRepairRequest(prepared.request, message, checked.problems), { signal });
    calls.push(interactiveRecord(repair));
    const repaired = this.validate(prepared.context, repair.message);
    if (repaired.ok) return { ok: true, reply: repaired.value, calls, repairProblems: checked.problems };
    return { ok: false, problems: repaired.problems, calls };
  }

  validate(context: GradingContext, message: Message): ValidationResult<ValidReply> {
    const toolName = toolNameFor(context.mode);
    const toolUse = message.content.find((block) => block.type === 'tool_use' && block.name === toolName);
    if (!toolUse || toolUse.type !== 'tool_use') {
      const why = message.stop_reason === 'max_tokens' ? 'the answer was cut off (max_tokens) before the tool call was complete' : `the answer did not call the tool ${toolName}`;
      return { ok: false, problems: [`${why}; answer only by calling ${toolName} once with every field`] };
    }
    if (message.stop_reason === 'max_tokens') return { ok: false, problems: ['the tool call was cut off (max_tokens); keep reasoning and feedback shorter'] };
    return context.mode === 'rubric' ? validateRubricReply(toolUse.input, context.criteria ?? []) : validateAnswerKeyReply(toolUse.input, context.answerKey!);
  }

  /** The proposal ProposeGradeCommand stores: scores, feedback, confidence, flags, and everything else in ai_reasoning. */
  toProposal(prepared: PreparedGrading, outcome: Extract<GradingOutcome, { ok: true }>, extra: { batchId?: string } = {}): GradeProposal {
    const { reply, calls } = outcome;
    const usage = totalUsage(calls);
    const model = calls.at(-1)?.model ?? this.claude.model;
    const costs = calls.map((call) => call.costUsd);
    const aiReasoning: Record<string, unknown> = {
      promptVersion: AI_GRADING_PROMPT_VERSION,
      model,
      mode: reply.mode,
      via: calls[0]?.via ?? 'interactive',
      ...(extra.batchId ? { batchId: extra.batchId } : {}),
      transcription: reply.transcription,
      modelFlags: reply.flags.filter((flag) => !reply.serverFlags.includes(flag)),
      serverFlags: reply.serverFlags,
      repaired: outcome.repairProblems !== null,
      ...(outcome.repairProblems ? { repairProblems: outcome.repairProblems } : {}),
      requestIds: calls.map((call) => call.requestId),
      calls,
      usage,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      costUsd: costs.every((cost) => cost !== null) ? Math.round(costs.reduce((sum, cost) => sum + cost!, 0) * 1e9) / 1e9 : null,
      pages: prepared.pages,
      prefix: { hash: prepared.estimate.prefixHash, tokensEstimate: prepared.estimate.prefixTokens, cacheable: prepared.estimate.cacheable },
    };
    if (reply.mode === 'rubric') {
      // The AI's own scores stay here when a teacher edits the grade: agreement is measured against them.
      aiReasoning.criteria = reply.criteria.map((criterion) => ({
        criterionId: criterion.criterionId,
        level: criterion.level,
        score: criterion.score,
        maxScore: criterion.maxScore,
        reasoning: criterion.reasoning,
        evidence: criterion.evidence,
      }));
      aiReasoning.feedback = reply.feedback;
      aiReasoning.scores = reply.criteria.map((criterion) => ({ criterionId: criterion.criterionId, score: criterion.score, maxScore: criterion.maxScore }));
      return {
        criteriaScores: reply.criteria.map((criterion) => ({ criterionId: criterion.criterionId, score: criterion.score, reasoning: criterion.reasoning })),
        feedbackText: reply.feedback || null,
        aiConfidence: reply.confidence,
        aiModel: model,
        aiReasoning,
        flags: reply.flags,
      };
    }
    aiReasoning.answers = reply.answers.map((answer, index) => ({ question: index + 1, answer }));
    // What the key gives the transcribed answers, kept for agreement when a teacher overrides a question.
    aiReasoning.scores = scoreAnswerKey(prepared.context.answerKey!, reply.answers).questions.map((question) => ({
      criterionId: questionId(question.question),
      score: question.points,
      maxScore: question.maxPoints,
    }));
    return { answers: reply.answers, feedbackText: null, aiConfidence: reply.confidence, aiModel: model, aiReasoning, flags: reply.flags };
  }
}

export function interactiveRecord(result: ClaudeMessageResult): CallRecord {
  return { requestId: result.requestId, model: result.model, via: 'interactive', usage: result.usage, costUsd: result.costUsd, latencyMs: result.latencyMs, stopReason: result.message.stop_reason ?? null };
}

function totalUsage(calls: readonly CallRecord[]): ClaudeUsage {
  return calls.reduce(
    (sum, call) => ({
      inputTokens: sum.inputTokens + call.usage.inputTokens,
      outputTokens: sum.outputTokens + call.usage.outputTokens,
      cacheReadTokens: sum.cacheReadTokens + call.usage.cacheReadTokens,
      cacheWriteTokens: sum.cacheWriteTokens + call.usage.cacheWriteTokens,
      cacheWrite1hTokens: sum.cacheWrite1hTokens + call.usage.cacheWrite1hTokens,
    }),
    { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
  );
}

/**
 * Cache warming: when a grading run starts, its first request writes the cached prefix; requests
 * sent at the same time would all miss and each pay for writing it. So the first request with a
 * prefix goes alone and the others with that prefix wait for it (in this process), then read it
 * from the cache. A prefix counts as warm for a little less than the cache's 5-minute TTL, which
 * every hit refreshes.
 */
export class PrefixWarmup {
  private static readonly WARM_MS = 4 * 60_000;
  private readonly warm = new Map<string, number>();
  private readonly warming = new Map<string, Promise<unknown>>();

  async run<T>(prefixHash: string | null, send: () => Promise<T>): Promise<T> {
    if (prefixHash === null) return send();
    for (;;) {
      const warmUntil = this.warm.get(prefixHash);
      if (warmUntil !== undefined && warmUntil > performance.now()) {
        this.warm.set(prefixHash, performance.now() + PrefixWarmup.WARM_MS);
        return send();
      }
      const pending = this.warming.get(prefixHash);
      if (pending) {
        await pending.catch(() => undefined);
        continue;
      }
      const attempt = send();
      this.warming.set(prefixHash, attempt);
      try {
        const result = await attempt;
        this.warm.set(prefixHash, performance.now() + PrefixWarmup.WARM_MS);
        this.prune();
        return result;
      } finally {
        this.warming.delete(prefixHash);
      }
    }
  }

  private prune(): void {
    const now = performance.now();
    for (const [hash, until] of this.warm) if (until <= now) this.warm.delete(hash);
  }
}

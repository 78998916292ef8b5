import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { SYSTEM_ACTOR } from '../../libs/event-store/event.js';
import { ProjectorRegistry } from '../../libs/event-store/projector.js';
import { rebuildProjections } from '../../libs/event-store/rebuild.js';
import { ChangeSubmissionStatusCommand } from '../../src/modules/grading/commands/change-submission-status.command.js';
import { projectors } from '../../src/projectors.js';
import { createGradingApp, gradingSetup, type GradingSetup, mathScores, proposeGrade, statsRow, uploadEssay } from '../factories/grading.js';
import { seededRandom } from '../factories/seeded-random.js';
import { type SignedInUser, signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

/** What a grade request scores: criteria (rubric mode) or answers with optional overrides (answer-key mode). */
interface Scores {
  criteriaScores?: Array<{ criterionId: string; score: number }>;
  answers?: string[];
  questionScores?: Array<{ question: number; score: number }>;
}

interface SeedViewRow {
  assignment_id: string;
  total_submissions: number;
  graded_count: number;
  pending_count: number;
  mean: string | null;
  median: string | null;
}

describe('assignment statistics: projected live, served by GET /api/assignments/:id/stats, equal to the seed view and to a rebuild', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createGradingApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const grade = (teacher: SignedInUser, submissionId: string, body: object) => teacher.put(`/api/submissions/${submissionId}/grade`).send(body).expect(200);

  /** The seed's assignment_stats view (created verbatim as assignment_stats_view), rounded as the projection stores it. */
  async function seedView(assignmentIds: string[]): Promise<SeedViewRow[]> {
    return t.dataSource.query(
      `SELECT assignment_id, total_submissions::int, graded_count::int, pending_count::int,
              round(average_percentage, 2)::text AS mean, round(median_percentage::numeric, 3)::text AS median
         FROM assignment_stats_view WHERE assignment_id = ANY($1::uuid[]) ORDER BY assignment_id`,
      [assignmentIds],
    );
  }

  /** The projected rows in the view's shape (no row yet means zeros, like the view's LEFT JOIN). */
  async function projected(assignmentIds: string[]): Promise<SeedViewRow[]> {
    const rows = await Promise.all([...assignmentIds].sort().map(async (id) => ({ id, row: await statsRow(t.dataSource, id) })));
    return rows.map(({ id, row }) => ({
      assignment_id: id,
      total_submissions: row?.total_submissions ?? 0,
      graded_count: row?.graded_count ?? 0,
      pending_count: row?.pending_count ?? 0,
      mean: row?.mean_percentage ?? null,
      median: row?.median_percentage ?? null,
    }));
  }

  /** What the seed view leaves out, straight from the base tables: counts by status, the 10-point bands and each criterion's (or question's) means. */
  async function baseTableDetails(assignmentId: string) {
    const statuses: Array<{ status: string; count: number }> = await t.dataSource.query(`SELECT status, count(*)::int AS count FROM submissions WHERE assignment_id = $1 GROUP BY status`, [assignmentId]);
    const bands: Array<{ band: number; count: number }> = await t.dataSource.query(
      `SELECT LEAST(9, floor(g.percentage / 10))::int AS band, count(*)::int AS count
         FROM grades g JOIN submissions s ON s.id = g.submission_id WHERE s.assignment_id = $1 GROUP BY 1`,
      [assignmentId],
    );
    const criteria: Array<{ id: string; count: number; mean_score: string; max_score: string; mean_fraction: string }> = await t.dataSource.query(
      `WITH parts AS (
         SELECT cs->>'criterion_id' AS id, (cs->>'score')::numeric AS score, (cs->>'max_score')::numeric AS max
           FROM grades g JOIN submissions s ON s.id = g.submission_id, jsonb_array_elements(g.criteria_scores) cs WHERE s.assignment_id = $1
         UNION ALL
         SELECT 'Q' || (q->>'question'), (q->>'points')::numeric, (q->>'max_points')::numeric
           FROM grades g JOIN submissions s ON s.id = g.submission_id, jsonb_array_elements(g.answers) q WHERE s.assignment_id = $1)
       SELECT id, count(*)::int AS count, round(avg(score), 2)::text AS mean_score, max(max)::text AS max_score, round(avg(round(score / max, 4)), 4)::text AS mean_fraction
         FROM parts GROUP BY id ORDER BY id`,
      [assignmentId],
    );
    const byStatus = Object.fromEntries(['pending', 'grading', 'graded', 'reviewed', 'error'].map((status) => [status, statuses.find((row) => row.status === status)?.count ?? 0]));
    const histogram = Array.from({ length: 10 }, (_, band) => bands.find((row) => row.band === band)?.count ?? 0);
    return {
      byStatus,
      histogram,
      criteria: Object.fromEntries(
        criteria.map((row) => [row.id, { count: row.count, meanScore: Number(row.mean_score), maxScore: Number(row.max_score), meanFraction: Number(row.mean_fraction) }]),
      ),
    };
  }

  /** The same details as the projection keeps them. */
  async function projectedDetails(assignmentId: string) {
    const row = await statsRow(t.dataSource, assignmentId);
    return {
      byStatus: { pending: row?.pending_count ?? 0, grading: row?.grading_count ?? 0, graded: row?.graded_count ?? 0, reviewed: row?.reviewed_count ?? 0, error: row?.error_count ?? 0 },
      histogram: row?.histogram ?? new Array(10).fill(0),
      criteria: row?.criteria ?? {},
    };
  }

  async function dashboardRow(userId: string) {
    const [row] = await t.dataSource.query(
      `SELECT total_classes, total_students, total_assignments, total_submissions, pending_submissions FROM teacher_dashboard WHERE user_id = $1`,
      [userId],
    );
    return row;
  }

  async function correctedDashboardView(userId: string) {
    const [row] = await t.dataSource.query(
      `SELECT total_classes::int, total_students::int, total_assignments::int, total_submissions::int, pending_submissions::int FROM teacher_dashboard_view WHERE user_id = $1`,
      [userId],
    );
    return row;
  }

  async function rebuildAll(): Promise<void> {
    const results = await rebuildProjections(t.dataSource, t.app.get(ProjectorRegistry).all());
    expect(results.map((result) => result.projector).sort()).toEqual(projectors.map((projector) => projector.name).sort());
  }

  it('answers zeros before an assignment has any work', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);

    const response = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/stats`).expect(200);

    expect(response.body).toEqual({
      assignmentId: setup.rubricAssignmentId,
      totalSubmissions: 0,
      gradedCount: 0,
      pendingCount: 0,
      byStatus: { pending: 0, grading: 0, graded: 0, reviewed: 0, error: 0 },
      gradeCount: 0,
      meanPercentage: null,
      medianPercentage: null,
      histogram: Array.from({ length: 10 }, (_, band) => ({ from: band * 10, to: band * 10 + 10, count: 0 })),
      criteria: [],
      agreement: {
        gradeCount: 0,
        exactAgreement: null,
        withinOneLevel: null,
        quadraticWeightedKappa: null,
        meanChange: null,
        criteria: ['crit_1', 'crit_2'].map((criterionId) => expect.objectContaining({ criterionId, count: 0, exactAgreement: null, quadraticWeightedKappa: null })),
      },
    });
    expect(await statsRow(t.dataSource, setup.rubricAssignmentId)).toBeUndefined();
    expect(await projected([setup.rubricAssignmentId])).toEqual(await seedView([setup.rubricAssignmentId]));
  });

  it('keeps the mean, the exact median, the bands and where the class struggles, as the base tables say', async () => {
    const teacher = await signIn(t);
    const setup = await gradingSetup(teacher);
    const works = [];
    for (let i = 0; i < 5; i++) works.push(await uploadEssay(teacher, setup.rubricAssignmentId));
    await grade(teacher, works[0].id, { criteriaScores: mathScores(5, 3) }); // 100
    await grade(teacher, works[1].id, { criteriaScores: mathScores(3, 2) }); // 62.5
    await grade(teacher, works[2].id, { criteriaScores: mathScores(0, 2) }); // 25
    await proposeGrade(t, works[3].id, { criteriaScores: mathScores(5, 2) }); // 87.5, graded, not approved
    await teacher.post(`/api/submissions/${works[4].id}/status`).send({ status: 'error', message: 'Blank page' }).expect(200);

    const response = await teacher.get(`/api/assignments/${setup.rubricAssignmentId}/stats`).expect(200);

    expect(response.body).toMatchObject({
      totalSubmissions: 5,
      gradedCount: 1,
      pendingCount: 0,
      byStatus: { pending: 0, grading: 0, graded: 1, reviewed: 3, error: 1 },
      gradeCount: 4,
      meanPercentage: 68.75,
      medianPercentage: 75,
      criteria: [
        { criterionId: 'crit_1', criterionName: 'Correct Answer', count: 4, meanScore: 3.25, maxScore: 5, meanFraction: 0.65 },
        { criterionId: 'crit_2', criterionName: 'Shows Work', count: 4, meanScore: 2.25, maxScore: 3, meanFraction: 0.75 },
      ],
    });
    expect(response.body.histogram.map((band: { count: number }) => band.count)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 1, 1]);
    expect(await projected([setup.rubricAssignmentId])).toEqual(await seedView([setup.rubricAssignmentId]));
    expect(await projectedDetails(setup.rubricAssignmentId)).toEqual(await baseTableDetails(setup.rubricAssignmentId));
  });

  describe('random command sequences', () => {
    for (const seed of [7, 99, 2027]) {
      it(`keeps stats == seed view == base tables == rebuild, and dashboard == corrected view, after 36 random commands on two assignments (seed ${seed})`, async () => {
        const random = seededRandom(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        const teacher = await signIn(t);
        const setup: GradingSetup = await gradingSetup(teacher, ['Ava Lee', 'Ben Ortiz']);
        const assignments = [setup.rubricAssignmentId, setup.answerKeyAssignmentId];
        const commands = t.app.get(CommandBus);

        const randomScores = (assignmentId: string): Scores => {
          if (assignmentId === setup.rubricAssignmentId) return { criteriaScores: mathScores(pick([0, 3, 5] as const), pick([0, 2, 3] as const)) };
          const answers = [pick(['42', '41', ' 42.', '']), pick(['Yes', 'no', 'YES']), pick(['Photosynthesis', 'respiration', 'photosynthesis!'])];
          return random() < 0.3 ? { answers, questionScores: [{ question: pick([1, 2, 3]), score: pick([0, 2.5, 5]) }] } : { answers };
        };
        const work = async () =>
          (await t.dataSource.query(
            `SELECT s.id, s.assignment_id, s.status, g.id AS grade_id, g.teacher_approved FROM submissions s LEFT JOIN grades g ON g.submission_id = s.id
              WHERE s.assignment_id = ANY($1::uuid[]) ORDER BY s.submitted_at, s.id`,
            [assignments],
          )) as Array<{ id: string; assignment_id: string; status: string; grade_id: string | null; teacher_approved: boolean | null }>;

        const performed: string[] = [];
        for (let step = 0; step < 36; step++) {
          const all = await work();
          const inStatus = (...statuses: string[]) => all.filter((submission) => statuses.includes(submission.status));
          const proposals = all.filter((submission) => submission.status === 'graded' && submission.teacher_approved === false);
          const choices = [
            'upload',
            'upload',
            ...(inStatus('pending', 'error', 'graded').length ? ['grade', 'grade'] : []),
            ...(inStatus('reviewed').length ? ['edit', 'regrade'] : []),
            ...(inStatus('pending').length ? ['propose', 'propose', 'error'] : []),
            ...(proposals.length ? ['approve', 'approveMany'] : []),
            ...(inStatus('error').length ? ['retry'] : []),
          ];
          const command = pick(choices);
          performed.push(command);
          if (command === 'upload') {
            const assignmentId = pick(assignments);
            const student = pick([...setup.students, null]);
            await uploadEssay(teacher, assignmentId, student ? { studentId: student.id } : {});
          } else if (command === 'grade' || command === 'edit') {
            const submission = pick(command === 'grade' ? inStatus('pending', 'error', 'graded') : inStatus('reviewed'));
            await grade(teacher, submission.id, randomScores(submission.assignment_id));
          } else if (command === 'propose' || command === 'regrade') {
            const submission = pick(command === 'propose' ? inStatus('pending') : inStatus('reviewed'));
            await proposeGrade(t, submission.id, randomScores(submission.assignment_id));
          } else if (command === 'error') {
            const submission = pick(inStatus('pending'));
            if (random() < 0.5) {
              await teacher.post(`/api/submissions/${submission.id}/status`).send({ status: 'error', message: 'Unreadable scan' }).expect(200);
            } else {
              await commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'grading'));
              await commands.execute(new ChangeSubmissionStatusCommand(SYSTEM_ACTOR, submission.id, 'error', 'Model overloaded'));
            }
          } else if (command === 'retry') {
            await teacher.post(`/api/submissions/${pick(inStatus('error')).id}/status`).send({ status: 'pending' }).expect(200);
          } else if (command === 'approve') {
            await teacher.post(`/api/grades/${pick(proposals).grade_id}/approve`).expect(200);
          } else {
            const assignmentId = pick(proposals).assignment_id;
            const gradeIds = proposals.filter((submission) => submission.assignment_id === assignmentId).map((submission) => submission.grade_id);
            const response = await teacher.post(`/api/assignments/${assignmentId}/grades/approve`).send({ gradeIds }).expect(200);
            expect(response.body.approved).toEqual(gradeIds);
          }
          // Also mid-sequence, while work is still pending, failed or awaiting approval.
          if (step % 12 === 11) {
            expect(await projected(assignments)).toEqual(await seedView(assignments));
            for (const assignmentId of assignments) expect(await projectedDetails(assignmentId)).toEqual(await baseTableDetails(assignmentId));
          }
        }
        expect(new Set(performed).size).toBeGreaterThan(4);

        expect(await projected(assignments)).toEqual(await seedView(assignments));
        for (const assignmentId of assignments) {
          expect(await projectedDetails(assignmentId)).toEqual(await baseTableDetails(assignmentId));
          const served = (await teacher.get(`/api/assignments/${assignmentId}/stats`).expect(200)).body;
          const row = (await statsRow(t.dataSource, assignmentId))!;
          expect(served).toMatchObject({
            totalSubmissions: row.total_submissions,
            gradeCount: row.grade_count,
            meanPercentage: row.mean_percentage === null ? null : Number(row.mean_percentage),
            medianPercentage: row.median_percentage === null ? null : Number(row.median_percentage),
          });
          expect(served.criteria.map((criterion: { criterionId: string }) => criterion.criterionId).sort()).toEqual(Object.keys(row.criteria).sort());
        }
        expect(await dashboardRow(teacher.id)).toEqual(await correctedDashboardView(teacher.id));
        // Per class, GET /api/dashboard serves the same submission and pending counts (the page lists pending work first).
        const perClass: Array<{ submissions: number; pending: number }> = await t.dataSource.query(
          `SELECT count(s.id)::int AS submissions, count(s.id) FILTER (WHERE s.status = 'pending')::int AS pending
             FROM assignments a LEFT JOIN submissions s ON s.assignment_id = a.id WHERE a.id = ANY($1::uuid[]) GROUP BY a.class_id`,
          [assignments],
        );
        const dashboard = (await teacher.get('/api/dashboard').expect(200)).body;
        expect(dashboard.classes.map((c: { submissions: number; pending: number }) => ({ submissions: c.submissions, pending: c.pending }))).toEqual(perClass);

        const liveStats = await Promise.all(assignments.map((id) => statsRow(t.dataSource, id)));
        const liveDashboard = await dashboardRow(teacher.id);
        await rebuildAll();
        expect(await Promise.all(assignments.map((id) => statsRow(t.dataSource, id)))).toEqual(liveStats);
        expect(await dashboardRow(teacher.id)).toEqual(liveDashboard);
      });
    }
  });
});

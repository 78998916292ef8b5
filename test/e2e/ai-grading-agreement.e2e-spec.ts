import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnthropicFake } from '../fakes/anthropic-fake-server.js';
import { activeAssignment, createAiGradingApp, gradeReply, marker, mathGradeWith, scriptByMarker, uploadMarkedEssay, waitForStatus } from '../factories/ai-grading.js';
import { gradeRow } from '../factories/grading.js';
import { signIn } from '../factories/users.js';
import type { TestApp } from '../setup/create-test-app.js';

/**
 * Agreement on a small known example (Math template: Correct Answer 5/3/0, Shows Work 3/2/0).
 * The teacher keeps two proposals and changes Shows Work on two others:
 *   Correct Answer (AI → teacher): 5→5, 5→5, 3→3, 0→0   exact 1, kappa 1, mean change 0
 *   Shows Work:                    3→3, 2→3, 2→2, 0→2   exact 0.5, within one level 1, mean change +0.75
 * Shows Work's quadratic weighted kappa by hand, over levels [0, 2, 3] (indexes 0, 1, 2), weights (i−j)²/4:
 *   observed pairs (2,2) (1,2) (1,1) (0,1): Σ w·O = ¼ + ¼ = 0.5
 *   AI row totals 1, 2, 1; teacher column totals 0, 2, 2; Σ w·E = (1·2·¼ + 1·2·1 + 2·2·¼ + 1·2·¼) / 4 = 1
 *   κ = 1 − 0.5 / 1 = 0.5
 * Assignment: exact 6/8 = 0.75, kappa (1·4 + 0.5·4) / 8 = 0.75, mean change 3 points / 8 = 0.375 → 0.38.
 * An unapproved proposal and an auto-approved one nobody looked at are left out.
 */
describe('agreement between the AI grader and the teacher', () => {
  let fake: AnthropicFake;
  let t: TestApp;

  beforeAll(async () => {
    fake = await AnthropicFake.start();
    t = await createAiGradingApp(fake);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('reports exact agreement, within one level, quadratic weighted kappa and mean change per criterion and in the assignment stats', async () => {
    const teacher = await signIn(t);
    const setup = await activeAssignment(teacher, { body: { autoApproveThreshold: 0.95 } });
    const proposals = [mathGradeWith(5, 3), mathGradeWith(5, 2), mathGradeWith(3, 2), mathGradeWith(0, 0), mathGradeWith(5, 3), mathGradeWith(3, 3, { confidence: 0.99 })];
    const refs = proposals.map(() => marker());
    scriptByMarker(fake, Object.fromEntries(refs.map((ref, index) => [ref, [gradeReply(proposals[index])]])));
    const submissions = [];
    for (const ref of refs) submissions.push(await uploadMarkedEssay(teacher, setup.assignmentId, ref));
    for (const submission of submissions) await waitForStatus(t.dataSource, submission.id, ['graded', 'reviewed']);
    const grades = await Promise.all(submissions.map(async (submission) => (await gradeRow(t.dataSource, submission.id))!));
    expect(grades[5]).toMatchObject({ teacher_approved: true, approved_by: null });

    await teacher.post(`/api/grades/${grades[0].id}/approve`).expect(200);
    await teacher.put(`/api/submissions/${submissions[1].id}/grade`).send({ criteriaScores: [{ criterionId: 'crit_1', score: 5 }, { criterionId: 'crit_2', score: 3 }] }).expect(200);
    await teacher.post(`/api/grades/${grades[2].id}/approve`).expect(200);
    await teacher.put(`/api/submissions/${submissions[3].id}/grade`).send({ criteriaScores: [{ criterionId: 'crit_1', score: 0 }, { criterionId: 'crit_2', score: 2 }] }).expect(200);

    const expected = {
      gradeCount: 4,
      exactAgreement: 0.75,
      withinOneLevel: 1,
      quadraticWeightedKappa: 0.75,
      meanChange: 0.38,
      criteria: [
        { criterionId: 'crit_1', criterionName: 'Correct Answer', count: 4, exactAgreement: 1, withinOneLevel: 1, quadraticWeightedKappa: 1, meanChange: 0 },
        { criterionId: 'crit_2', criterionName: 'Shows Work', count: 4, exactAgreement: 0.5, withinOneLevel: 1, quadraticWeightedKappa: 0.5, meanChange: 0.75 },
      ],
    };
    expect((await teacher.get(`/api/assignments/${setup.assignmentId}/ai-agreement`).expect(200)).body).toEqual(expected);
    const stats = await teacher.get(`/api/assignments/${setup.assignmentId}/stats`).expect(200);
    expect(stats.body.agreement).toEqual(expected);
    expect(stats.body).toMatchObject({ gradeCount: 6, byStatus: { graded: 1, reviewed: 5 } });

    // The teacher's corrections now travel with every request of the assignment as worked examples.
    const before = fake.messageRequests.length;
    await teacher.post(`/api/submissions/${submissions[4].id}/regrade`).expect(202);
    await waitForStatus(t.dataSource, submissions[4].id, ['graded']);
    const [regrade] = fake.messageRequests.slice(before);
    expect(regrade.prefix!.bytes).toContain('How this teacher corrected earlier proposals on this assignment (2 recent examples)');
    expect(regrade.prefix!.bytes).toContain('- crit_2: you proposed 2; the teacher changed it to 3.');
    expect(regrade.prefix!.bytes).toContain('- crit_2: you proposed 0; the teacher changed it to 2.');
  });
});

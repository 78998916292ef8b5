import { describe, expect, it } from '@jest/globals';
import { assignmentAgreement, criterionAgreement, quadraticWeightedKappa } from './ai-grading.agreement.js';

describe('agreement between the AI and the teacher', () => {
  // Shows Work (levels 3, 2, 0). Pairs (AI, teacher): indexes over [0, 2, 3]: (2,2) (1,2) (1,1) (0,1).
  // Rows (AI) 1, 2, 1; columns (teacher) 0, 2, 2; weights (i-j)²/4.
  // Σ w·O = 1/4 + 1/4 = 0.5; Σ w·E = (1·2·¼ + 1·2·1 + 2·2·¼ + 1·2·¼) / 4 = (0.5 + 2 + 1 + 0.5) / 4 = 1; κ = 1 − 0.5 = 0.5.
  const showsWork = [
    { ai: 3, final: 3 },
    { ai: 2, final: 3 },
    { ai: 2, final: 2 },
    { ai: 0, final: 2 },
  ];

  it('computes quadratic weighted kappa as worked out by hand', () => {
    expect(quadraticWeightedKappa(showsWork, [0, 200, 300])).toBe(0.5);
  });

  it('reports exact agreement, agreement within one level, kappa and the mean change for a criterion', () => {
    expect(criterionAgreement('crit_2', [3, 2, 0], showsWork)).toEqual({ criterionId: 'crit_2', count: 4, exactAgreement: 0.5, withinOneLevel: 1, quadraticWeightedKappa: 0.5, meanChange: 0.75 });
    expect(criterionAgreement('crit_2', [3, 2, 0], [{ ai: 3, final: 0 }])).toMatchObject({ exactAgreement: 0, withinOneLevel: 0, meanChange: -3 });
  });

  it('leaves kappa undefined when it is (no grades, or every score in one level) but still reports exact agreement', () => {
    expect(criterionAgreement('crit_1', [5, 3, 0], [])).toEqual({ criterionId: 'crit_1', count: 0, exactAgreement: null, withinOneLevel: null, quadraticWeightedKappa: null, meanChange: null });
    expect(criterionAgreement('crit_1', [5, 3, 0], [{ ai: 5, final: 5 }, { ai: 5, final: 5 }])).toMatchObject({ exactAgreement: 1, quadraticWeightedKappa: null });
  });

  it('pools the criteria for the assignment, weighting kappas by their counts', () => {
    const correct = [
      { ai: 5, final: 5 },
      { ai: 5, final: 5 },
      { ai: 3, final: 3 },
      { ai: 0, final: 0 },
    ];
    const result = assignmentAgreement(
      4,
      [
        { id: 'crit_1', levels: [5, 3, 0] },
        { id: 'crit_2', levels: [3, 2, 0] },
      ],
      new Map([
        ['crit_1', correct],
        ['crit_2', showsWork],
      ]),
    );
    expect(result).toMatchObject({ gradeCount: 4, exactAgreement: 0.75, withinOneLevel: 1, quadraticWeightedKappa: 0.75, meanChange: 0.38 });
    expect(result.criteria.map((criterion) => [criterion.criterionId, criterion.quadraticWeightedKappa])).toEqual([
      ['crit_1', 1],
      ['crit_2', 0.5],
    ]);
  });
});

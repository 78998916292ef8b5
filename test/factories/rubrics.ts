import type { SignedInUser } from './users.js';

/** A valid two-criterion rubric body for POST /api/rubrics, with any field replaced. */
export function rubricBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Persuasive Paragraph',
    description: '5th grade opinion writing',
    subject: 'ELA',
    gradeLevel: '5th',
    criteria: [
      {
        id: 'claim',
        name: 'Claim',
        description: 'States a clear opinion',
        max_points: 4,
        levels: [
          { points: 4, description: 'Clear, arguable claim' },
          { points: 2, description: 'Claim is vague' },
          { points: 0, description: 'No claim' },
        ],
      },
      {
        id: 'reasons',
        name: 'Reasons',
        max_points: 2.5,
        levels: [
          { points: 2.5, description: 'Two or more relevant reasons' },
          { points: 1, description: 'One reason' },
          { points: 0, description: 'No reasons' },
        ],
      },
    ],
    ...overrides,
  };
}

/** Creates a rubric owned by `teacher` through the API and returns the response body. */
export async function createRubric(teacher: SignedInUser, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await teacher.post('/api/rubrics').send(rubricBody(overrides)).expect(201);
  return response.body;
}

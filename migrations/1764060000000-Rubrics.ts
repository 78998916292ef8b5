import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rubrics (handmark-data-models.md, "rubrics" and "Template Rubrics") and their immutable
 * versions. A rubric row mirrors its current version; every create and edit adds a
 * rubric_versions row, so grades can point at the exact version they were scored with.
 * Templates have no owner and fixed ids (TemplateRubricIds in rubrics.events.ts).
 *
 * The seed's user_id FK is ON DELETE SET NULL; with the owner CHECK below that delete is refused
 * instead, which matches how HandMark treats users (disabled, never deleted).
 */
export class Rubrics1764060000000 implements MigrationInterface {
  name = 'Rubrics1764060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rubrics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        description text,
        is_template boolean NOT NULL DEFAULT false,
        subject text,
        grade_level text,
        criteria jsonb NOT NULL,
        max_points numeric(7,2) NOT NULL CHECK (max_points > 0),
        current_version integer NOT NULL CHECK (current_version > 0),
        copied_from_id uuid REFERENCES rubrics (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CONSTRAINT criteria_is_array CHECK (jsonb_typeof(criteria) = 'array'),
        CONSTRAINT rubrics_template_owner_check CHECK ((is_template AND user_id IS NULL) OR (NOT is_template AND user_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX idx_rubrics_user_id ON rubrics (user_id)`);
    await q.query(`CREATE INDEX idx_rubrics_is_template ON rubrics (is_template)`);
    await q.query(`CREATE INDEX idx_rubrics_subject ON rubrics (subject)`);
    await q.query(`CREATE INDEX idx_rubrics_criteria ON rubrics USING GIN (criteria)`);
    await q.query(`CREATE INDEX idx_rubrics_name ON rubrics USING GIN (to_tsvector('english', name))`);
    await q.query(
      `CREATE TRIGGER update_rubrics_updated_at BEFORE UPDATE ON rubrics
       FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`,
    );

    await q.query(`
      CREATE TABLE rubric_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rubric_id uuid NOT NULL REFERENCES rubrics (id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        description text,
        subject text,
        grade_level text,
        criteria jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'array'),
        max_points numeric(7,2) NOT NULL CHECK (max_points > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rubric_versions_rubric_version_unique UNIQUE (rubric_id, version)
      )`);
    // Every rubric points at an existing snapshot of its current version (checked at commit,
    // since the rubric row is written before its version row).
    await q.query(`
      ALTER TABLE rubrics ADD CONSTRAINT rubrics_current_version_fk
        FOREIGN KEY (id, current_version) REFERENCES rubric_versions (rubric_id, version)
        DEFERRABLE INITIALLY DEFERRED`);

    await q.query(`
      CREATE FUNCTION reject_rubric_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'rubric_versions rows are immutable snapshots: edit the rubric to make a new version'
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER rubric_versions_immutable BEFORE UPDATE ON rubric_versions
       FOR EACH ROW EXECUTE FUNCTION reject_rubric_version_update()`,
    );

    for (const template of TEMPLATES) {
      const maxPoints = template.criteria.reduce((sum, criterion) => sum + criterion.max_points, 0);
      const criteria = JSON.stringify(template.criteria);
      await q.query(
        `INSERT INTO rubrics (id, user_id, name, description, is_template, subject, grade_level, criteria, max_points, current_version)
         VALUES ($1, NULL, $2, $3, TRUE, $4, $5, $6::jsonb, $7, 1)`,
        [template.id, template.name, template.description, template.subject, template.gradeLevel, criteria, maxPoints],
      );
      await q.query(
        `INSERT INTO rubric_versions (id, rubric_id, version, name, description, subject, grade_level, criteria, max_points)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7::jsonb, $8)`,
        [template.versionId, template.id, template.name, template.description, template.subject, template.gradeLevel, criteria, maxPoints],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rubric_versions, rubrics CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS reject_rubric_version_update()`);
  }
}

interface TemplateCriterion {
  id: string;
  name: string;
  description: string;
  max_points: number;
  levels: Array<{ points: number; description: string }>;
}

const missing = (points: number) => ({ points, description: 'Missing' });

/** The shipped templates, frozen with this migration; later changes belong in a new migration. */
const TEMPLATES: Array<{ id: string; versionId: string; name: string; description: string; subject: string; gradeLevel: string; criteria: TemplateCriterion[] }> = [
  {
    id: '5eed0000-0000-4000-8000-000000000001',
    versionId: '5eed0000-0000-4000-9000-000000000001',
    name: 'Math Problem Solving',
    description: '3rd grade math rubric for problem-solving assignments',
    subject: 'Math',
    gradeLevel: '3rd',
    criteria: [
      {
        id: 'crit_1',
        name: 'Correct Answer',
        description: 'Student provides correct final answer',
        max_points: 5,
        levels: [
          { points: 5, description: 'Completely correct' },
          { points: 3, description: 'Minor calculation error' },
          { points: 0, description: 'Incorrect or missing' },
        ],
      },
      {
        id: 'crit_2',
        name: 'Shows Work',
        description: 'Student shows all steps clearly',
        max_points: 3,
        levels: [
          { points: 3, description: 'All steps shown clearly' },
          { points: 2, description: 'Most steps shown' },
          { points: 0, description: 'No work shown' },
        ],
      },
    ],
  },
  {
    id: '5eed0000-0000-4000-8000-000000000002',
    versionId: '5eed0000-0000-4000-9000-000000000002',
    name: 'Reading Comprehension',
    description: '4th grade reading comprehension rubric',
    subject: 'ELA',
    gradeLevel: '4th',
    criteria: [
      {
        id: 'crit_1',
        name: 'Understanding',
        description: 'Student demonstrates comprehension',
        max_points: 4,
        levels: [
          { points: 4, description: 'Deep understanding' },
          { points: 3, description: 'Good understanding' },
          { points: 2, description: 'Partial understanding' },
          { points: 0, description: 'Misunderstanding' },
        ],
      },
      {
        id: 'crit_2',
        name: 'Evidence',
        description: 'Student supports answer with text evidence',
        max_points: 3,
        levels: [
          { points: 3, description: 'Strong evidence from text' },
          { points: 2, description: 'Some evidence' },
          { points: 0, description: 'No evidence provided' },
        ],
      },
    ],
  },
  {
    id: '5eed0000-0000-4000-8000-000000000003',
    versionId: '5eed0000-0000-4000-9000-000000000003',
    name: '6-Trait Writing',
    description: 'Analytic writing rubric scoring each of the six traits from 1 (beginning) to 5 (strong), grades 3-8',
    subject: 'ELA',
    gradeLevel: '3rd-8th',
    criteria: [
      {
        id: 'ideas',
        name: 'Ideas',
        description: 'The main message and the details that support it',
        max_points: 5,
        levels: [
          { points: 5, description: 'Clear, focused main idea that holds the reader\'s attention; relevant, specific details and examples go beyond the obvious' },
          { points: 4, description: 'Clear main idea supported by relevant details, though some are general or predictable' },
          { points: 3, description: 'Main idea can be identified but is broad or simple; details are limited, general or loosely connected' },
          { points: 2, description: 'Main idea is unclear or wanders; few details, some off topic or repeated' },
          { points: 1, description: 'No clear main idea; a list of unrelated thoughts or too short to show a purpose' },
        ],
      },
      {
        id: 'organization',
        name: 'Organization',
        description: 'The structure of the piece: opening, sequence, transitions and ending',
        max_points: 5,
        levels: [
          { points: 5, description: 'Inviting introduction and satisfying conclusion; logical, effective order; smooth transitions connect ideas throughout' },
          { points: 4, description: 'Clear beginning and ending; order is mostly logical; transitions are used but sometimes formulaic' },
          { points: 3, description: 'Beginning or ending is weak; order is sometimes hard to follow; transitions are repetitive ("and then")' },
          { points: 2, description: 'Little sense of beginning, middle and end; ideas are out of order; few transitions' },
          { points: 1, description: 'No identifiable structure; the reader cannot follow how ideas connect' },
        ],
      },
      {
        id: 'voice',
        name: 'Voice',
        description: 'The writer\'s personal tone and awareness of audience and purpose',
        max_points: 5,
        levels: [
          { points: 5, description: 'Expressive, engaging and sincere; the writer\'s personality comes through and the tone fits the audience and purpose' },
          { points: 4, description: 'The writer\'s voice is present and appropriate, with moments of real engagement' },
          { points: 3, description: 'Voice is sincere but not yet distinctive; tone is flat or shifts in places' },
          { points: 2, description: 'Writing sounds mechanical or generic; little awareness of the audience' },
          { points: 1, description: 'No sense of the writer or the audience; the tone is flat or does not fit the task' },
        ],
      },
      {
        id: 'word_choice',
        name: 'Word Choice',
        description: 'Precise, interesting and natural use of words',
        max_points: 5,
        levels: [
          { points: 5, description: 'Precise, vivid, natural words; strong verbs and specific nouns create clear pictures' },
          { points: 4, description: 'Words are correct and adequate with some precise or vivid choices; a few overused words' },
          { points: 3, description: 'Words are ordinary and general but get the message across; some are misused or repeated' },
          { points: 2, description: 'Limited vocabulary; vague, repetitive or misused words blur the meaning' },
          { points: 1, description: 'Words are misused or so limited that the meaning is lost' },
        ],
      },
      {
        id: 'sentence_fluency',
        name: 'Sentence Fluency',
        description: 'The rhythm and flow of the sentences when read aloud',
        max_points: 5,
        levels: [
          { points: 5, description: 'Sentences vary in length and structure, begin in different ways and flow naturally when read aloud' },
          { points: 4, description: 'Sentences are mostly smooth and varied; a few are awkward or repetitive' },
          { points: 3, description: 'Sentences are mostly correct but alike in length and pattern; some run-ons or fragments break the flow' },
          { points: 2, description: 'Many choppy, run-on or awkward sentences; hard to read aloud' },
          { points: 1, description: 'Sentences are incomplete or run together so that the text is very hard to read aloud' },
        ],
      },
      {
        id: 'conventions',
        name: 'Conventions',
        description: 'Spelling, capitalization, punctuation, grammar and paragraphing',
        max_points: 5,
        levels: [
          { points: 5, description: 'Strong grade-level control of spelling, capitalization, punctuation, grammar and paragraphing; few or no errors' },
          { points: 4, description: 'Good control of conventions; minor errors do not distract the reader' },
          { points: 3, description: 'Reasonable control on simple text; errors are noticeable but do not block meaning' },
          { points: 2, description: 'Frequent errors in spelling, punctuation or grammar distract the reader and sometimes block meaning' },
          { points: 1, description: 'Errors are so frequent that the text is very hard to read' },
        ],
      },
    ],
  },
  {
    id: '5eed0000-0000-4000-8000-000000000004',
    versionId: '5eed0000-0000-4000-9000-000000000004',
    name: 'Short Answer Response',
    description: 'Short constructed response (answer, evidence, explanation) for reading, social studies and science questions',
    subject: 'Cross-curricular',
    gradeLevel: '3rd-8th',
    criteria: [
      {
        id: 'answer',
        name: 'Answers the Question',
        description: 'Responds directly and accurately to every part of the question',
        max_points: 2,
        levels: [
          { points: 2, description: 'Complete, accurate answer that addresses every part of the question' },
          { points: 1, description: 'Partly correct, or answers only part of the question' },
          { points: 0, description: 'Incorrect, off topic or no answer' },
        ],
      },
      {
        id: 'evidence',
        name: 'Supporting Evidence',
        description: 'Cites relevant evidence from the text, data or source',
        max_points: 2,
        levels: [
          { points: 2, description: 'Cites specific, relevant evidence (a quotation, paraphrase or data) that supports the answer' },
          { points: 1, description: 'Evidence is general, loosely related, or not clearly tied to the source' },
          { points: 0, description: 'No evidence, or evidence that does not support the answer' },
        ],
      },
      {
        id: 'explanation',
        name: 'Explanation',
        description: 'Explains how the evidence supports the answer',
        max_points: 2,
        levels: [
          { points: 2, description: 'Clearly explains, in the student\'s own words, how the evidence supports the answer' },
          { points: 1, description: 'Explanation is brief, only repeats the evidence, or is partly unclear' },
          { points: 0, description: 'No explanation' },
        ],
      },
      {
        id: 'complete_sentences',
        name: 'Complete Sentences',
        description: 'Restates the question and writes in complete sentences',
        max_points: 1,
        levels: [
          { points: 1, description: 'Restates the question in complete sentences; any errors do not interfere with meaning' },
          { points: 0, description: 'Fragments or errors make the response hard to understand' },
        ],
      },
    ],
  },
  {
    id: '5eed0000-0000-4000-8000-000000000005',
    versionId: '5eed0000-0000-4000-9000-000000000005',
    name: 'Science Lab Report',
    description: 'Lab report for a hands-on investigation, from hypothesis to conclusion, middle school science',
    subject: 'Science',
    gradeLevel: '6th-8th',
    criteria: [
      {
        id: 'hypothesis',
        name: 'Question and Hypothesis',
        description: 'States a testable question and a hypothesis with reasoning',
        max_points: 4,
        levels: [
          { points: 4, description: 'Testable question; an if-then hypothesis that names the independent and dependent variables and gives scientific reasoning' },
          { points: 3, description: 'Testable question and a clear prediction; reasoning or variables are only partly stated' },
          { points: 2, description: 'Question or hypothesis is vague, not testable, or a guess without reasoning' },
          { points: 1, description: 'Question or hypothesis does not match the investigation' },
          missing(0),
        ],
      },
      {
        id: 'procedure',
        name: 'Materials and Procedure',
        description: 'Lists materials and numbered steps another student could repeat; identifies variables and controls',
        max_points: 4,
        levels: [
          { points: 4, description: 'Complete materials list; numbered, detailed steps another student could repeat; independent, dependent and controlled variables identified; safety noted' },
          { points: 3, description: 'Materials and steps mostly complete; a minor detail or one variable is missing' },
          { points: 2, description: 'Steps are incomplete or out of order; variables not identified; hard to repeat' },
          { points: 1, description: 'Procedure is a vague summary that could not be repeated' },
          missing(0),
        ],
      },
      {
        id: 'data',
        name: 'Data and Observations',
        description: 'Records data in labeled tables and graphs with units',
        max_points: 4,
        levels: [
          { points: 4, description: 'Accurate data in a titled table with units; graph of the right type with a title, labeled axes and an even scale; detailed observations' },
          { points: 3, description: 'Table and graph present with minor errors (a missing unit, label or title)' },
          { points: 2, description: 'Data incomplete or disorganized; graph missing or with major errors' },
          { points: 1, description: 'Few data recorded; no table or graph' },
          missing(0),
        ],
      },
      {
        id: 'analysis',
        name: 'Analysis',
        description: 'Interprets the data: patterns, trends and sources of error',
        max_points: 4,
        levels: [
          { points: 4, description: 'Describes patterns and trends using specific data values; explains sources of error and how they affected the results' },
          { points: 3, description: 'Describes the main trend with some data; sources of error are named but not explained' },
          { points: 2, description: 'Restates the data without interpreting it; error not considered' },
          { points: 1, description: 'Analysis is inaccurate or unrelated to the data collected' },
          missing(0),
        ],
      },
      {
        id: 'conclusion',
        name: 'Conclusion',
        description: 'States whether the data support the hypothesis and what was learned',
        max_points: 4,
        levels: [
          { points: 4, description: 'States whether the hypothesis was supported, cites data as evidence, connects the result to the science concept and suggests a next investigation' },
          { points: 3, description: 'States whether the hypothesis was supported with some data; limited connection to the concept' },
          { points: 2, description: 'General conclusion not backed by data' },
          { points: 1, description: 'Conclusion contradicts the data or ignores the hypothesis' },
          missing(0),
        ],
      },
      {
        id: 'scientific_writing',
        name: 'Scientific Writing',
        description: 'Organized sections, scientific vocabulary and conventions',
        max_points: 2,
        levels: [
          { points: 2, description: 'All sections present and labeled; scientific vocabulary used correctly; few errors in conventions' },
          { points: 1, description: 'Some sections missing or unlabeled, or errors in vocabulary and conventions distract the reader' },
          { points: 0, description: 'Disorganized and hard to follow' },
        ],
      },
    ],
  },
];

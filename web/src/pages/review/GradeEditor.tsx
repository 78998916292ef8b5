import { Alert, Badge, Blockquote, Group, NumberInput, Radio, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { forwardRef, useImperativeHandle, useMemo, useState } from 'react';
import type { Schemas } from '../../api/client';
import { formatPoints } from '../../components/format';

/** The grade as the API returns it; AI grades carry the transcription and each criterion's evidence quote. */
export type ReviewGrade = Schemas['GradeDto'];
type Criterion = Schemas['CriterionDto'];

export const FLAG_TEXT: Record<string, string> = {
  illegible: 'Hard to read: the AI could not read parts of the work.',
  blank: 'Blank: the AI found no answer.',
  off_topic: 'Off topic: the work does not answer the assignment.',
  addressed_to_grader: 'Talks to the grader: the work contains instructions addressed to whoever grades it.',
};

export interface GradeChanges {
  criteriaScores?: Array<{ criterionId: string; score: number; reasoning?: string | null }>;
  answers?: string[];
  questionScores?: Array<{ question: number; score: number }>;
  feedbackText?: string | null;
  teacherNotes?: string | null;
}

export interface GradeEditorHandle {
  /** The teacher's edits, or null when the grade is unchanged. */
  changes(): GradeChanges | null;
  focusFirstScore(): void;
}

interface GradeEditorProps {
  grade: ReviewGrade;
  /** The rubric version's criteria (rubric mode), for the levels to choose from. */
  criteria: Criterion[] | null;
  announce: (message: string) => void;
}

/** Per-criterion scores with the AI's reasoning and evidence, feedback and notes; every score change is announced. */
export const GradeEditor = forwardRef<GradeEditorHandle, GradeEditorProps>(function GradeEditor({ grade, criteria, announce }, ref) {
  const initialScores = useMemo(() => Object.fromEntries((grade.criteriaScores ?? []).map((score) => [score.criterionId, score.score])), [grade]);
  const initialQuestions = useMemo(() => Object.fromEntries((grade.answers ?? []).map((answer) => [answer.question, answer.points])), [grade]);
  const [scores, setScores] = useState<Record<string, number>>(initialScores);
  const [questions, setQuestions] = useState<Record<number, number | string>>(initialQuestions);
  const [feedback, setFeedback] = useState(grade.feedbackText ?? '');
  const [notes, setNotes] = useState(grade.teacherNotes ?? '');

  const total =
    grade.criteriaScores !== null
      ? Object.values(scores).reduce((sum, score) => sum + score, 0)
      : Object.values(questions).reduce<number>((sum, points) => sum + (Number(points) || 0), 0);

  useImperativeHandle(ref, () => ({
    changes() {
      const changedCriteria = (grade.criteriaScores ?? []).some((score) => scores[score.criterionId] !== score.score);
      const changedQuestions = (grade.answers ?? []).some((answer) => Number(questions[answer.question]) !== answer.points);
      const changedFeedback = feedback !== (grade.feedbackText ?? '');
      const changedNotes = notes !== (grade.teacherNotes ?? '');
      if (!changedCriteria && !changedQuestions && !changedFeedback && !changedNotes) return null;
      const changes: GradeChanges = {};
      // Rubric mode always sends every criterion; answer-key mode sends the answers as read, and the
      // teacher's points for the questions they changed now or before.
      if (grade.criteriaScores) changes.criteriaScores = grade.criteriaScores.map((score) => ({ criterionId: score.criterionId, score: scores[score.criterionId]!, reasoning: score.reasoning }));
      if (grade.answers) {
        changes.answers = grade.answers.map((answer) => answer.given ?? '');
        const overridden = grade.answers.filter((answer) => answer.overridden || Number(questions[answer.question]) !== answer.points);
        if (overridden.length) changes.questionScores = overridden.map((answer) => ({ question: answer.question, score: Number(questions[answer.question]) || 0 }));
      }
      if (changedFeedback) changes.feedbackText = feedback.trim() ? feedback : null;
      if (changedNotes) changes.teacherNotes = notes.trim() ? notes : null;
      return changes;
    },
    focusFirstScore() {
      document.querySelector<HTMLInputElement>('[data-grade-editor] input[type="radio"]:checked, [data-grade-editor] input')?.focus();
    },
  }));

  const setScore = (criterion: { criterionId: string; criterionName: string; maxScore: number }, score: number) => {
    const next = { ...scores, [criterion.criterionId]: score };
    setScores(next);
    const nextTotal = Object.values(next).reduce((sum, value) => sum + value, 0);
    announce(`${criterion.criterionName}: ${formatPoints(score)} of ${formatPoints(criterion.maxScore)} points. Total ${formatPoints(nextTotal)} of ${formatPoints(grade.maxScore)}.`);
  };

  return (
    <Stack gap="md" data-grade-editor>
      <Group gap="xs">
        <Text fw={600} size="lg" aria-live="off">
          Total {formatPoints(total)} of {formatPoints(grade.maxScore)}
        </Text>
        {grade.source === 'ai' && grade.aiConfidence !== null && <Badge color={grade.aiConfidence >= 0.8 ? 'green.9' : grade.aiConfidence >= 0.5 ? 'orange.9' : 'red.9'}>AI confidence {Math.round(grade.aiConfidence * 100)}%</Badge>}
        {grade.teacherApproved && <Badge color="green.9">approved</Badge>}
      </Group>
      {grade.flags.length > 0 && (
        <Alert color="red" variant="light" title="Flagged for your attention" p="sm">
          <Stack gap={2}>
            {grade.flags.map((flag) => (
              <Text size="sm" key={flag}>
                {FLAG_TEXT[flag] ?? flag}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {grade.transcription && (
        <section aria-labelledby="transcription-heading">
          <Title order={3} size="h5" id="transcription-heading">
            What the AI read
          </Title>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} ff="Georgia, serif" bg="gray.0" p="xs">
            {grade.transcription}
          </Text>
        </section>
      )}
      {grade.criteriaScores?.map((score) => {
        const levels = criteria?.find((criterion) => criterion.id === score.criterionId)?.levels ?? [];
        const changed = scores[score.criterionId] !== score.score;
        return (
          <section key={score.criterionId} aria-label={`${score.criterionName} score`} data-criterion-score={score.criterionId}>
            <Radio.Group
              label={
                <Group gap="xs" component="span">
                  <span>
                    {score.criterionName} ({formatPoints(scores[score.criterionId] ?? 0)} of {formatPoints(score.maxScore)})
                  </span>
                  {changed && (
                    <Badge size="xs" color="blue.9">
                      changed from {formatPoints(score.score)}
                    </Badge>
                  )}
                </Group>
              }
              value={String(scores[score.criterionId])}
              onChange={(value) => setScore(score, Number(value))}
            >
              <Stack gap={4} mt={6}>
                {(levels.length ? levels : [{ points: score.score, description: '' }]).map((level) => (
                  <Radio key={level.points} value={String(level.points)} label={`${formatPoints(level.points)} points${level.description ? `: ${level.description}` : ''}`} />
                ))}
              </Stack>
            </Radio.Group>
            {score.reasoning && (
              <Text size="sm" mt={6}>
                <Text span fw={500}>
                  Why:{' '}
                </Text>
                {score.reasoning}
              </Text>
            )}
            {score.evidence && (
              <Blockquote p="xs" mt={6} color="gray" cite="Evidence from the student's work">
                {score.evidence}
              </Blockquote>
            )}
          </section>
        );
      })}
      {grade.answers && (
        <Table withTableBorder aria-label="Answers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Question</Table.Th>
              <Table.Th scope="col">Student's answer</Table.Th>
              <Table.Th scope="col">Expected</Table.Th>
              <Table.Th scope="col">Points</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {grade.answers.map((answer) => (
              <Table.Tr key={answer.question}>
                <Table.Td>{answer.question}</Table.Td>
                <Table.Td>
                  {answer.given ?? <Text span c="dimmed">(none)</Text>} {answer.correct ? <Badge color="green.9" size="xs">right</Badge> : <Badge color="red.9" size="xs">wrong</Badge>}
                </Table.Td>
                <Table.Td>{answer.expected}</Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Question ${answer.question} points, out of ${formatPoints(answer.maxPoints)}`}
                    min={0}
                    max={answer.maxPoints}
                    decimalScale={2}
                    value={questions[answer.question]}
                    onChange={(value) => {
                      setQuestions({ ...questions, [answer.question]: value });
                      announce(`Question ${answer.question}: ${value} of ${formatPoints(answer.maxPoints)} points.`);
                    }}
                    w={110}
                    size="xs"
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Textarea label="Feedback for the student" autosize minRows={3} value={feedback} onChange={(e) => setFeedback(e.currentTarget.value)} />
      <Textarea label="Private notes" description="Only you see these." autosize minRows={1} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
    </Stack>
  );
});

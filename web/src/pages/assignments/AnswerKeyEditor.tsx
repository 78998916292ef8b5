import { ActionIcon, Button, Group, NumberInput, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import type { Schemas } from '../../api/client';

type AnswerKey = Schemas['AnswerKeyDto'];
type AnswerKeyType = AnswerKey['type'];

export interface AnswerDraft {
  key: string;
  answer: string;
  points: number | string;
  tolerance: number | string;
  /** Other accepted answers, separated by "|". */
  accept: string;
}

export interface AnswerKeyDraft {
  type: AnswerKeyType;
  pointsPerQuestion: number | string;
  answers: AnswerDraft[];
}

let nextKey = 0;
const newAnswer = (): AnswerDraft => ({ key: `a${++nextKey}`, answer: '', points: '', tolerance: '', accept: '' });

export function emptyAnswerKey(): AnswerKeyDraft {
  return { type: 'text', pointsPerQuestion: 1, answers: [newAnswer(), newAnswer(), newAnswer()] };
}

export function toAnswerKeyDraft(key: AnswerKey | null): AnswerKeyDraft {
  if (!key) return emptyAnswerKey();
  return {
    type: key.type,
    pointsPerQuestion: key.points_per_question,
    answers: key.answers.map((entry) => {
      const object = typeof entry === 'string' ? { answer: entry } : entry;
      return { ...newAnswer(), answer: object.answer, points: object.points ?? '', tolerance: object.tolerance ?? '', accept: (object.accept ?? []).join(' | ') };
    }),
  };
}

const number = (value: number | string): number | null => (typeof value === 'number' ? value : value.trim() === '' ? null : Number(value));

/** The answer key in the stored JSON shape; an answer with no extra settings is just its text. */
export function toAnswerKey(draft: AnswerKeyDraft): AnswerKey {
  return {
    type: draft.type,
    total_questions: draft.answers.length,
    points_per_question: number(draft.pointsPerQuestion) as number,
    answers: draft.answers.map((entry) => {
      const points = number(entry.points);
      const tolerance = number(entry.tolerance);
      const accept = entry.accept
        .split('|')
        .map((text) => text.trim())
        .filter(Boolean);
      if (points === null && tolerance === null && accept.length === 0) return entry.answer;
      return { answer: entry.answer, ...(points === null ? {} : { points }), ...(tolerance === null ? {} : { tolerance }), ...(accept.length ? { accept } : {}) };
    }),
  };
}

interface AnswerKeyEditorProps {
  value: AnswerKeyDraft;
  onChange: (value: AnswerKeyDraft) => void;
  /** Server problems by field, with the `answerKeyData.` prefix removed. */
  errors: Map<string, string[]>;
}

/** One row per question: the expected answer, and optional points, tolerance and other accepted answers. */
export function AnswerKeyEditor({ value, onChange, errors }: AnswerKeyEditorProps) {
  const update = (index: number, change: Partial<AnswerDraft>) => onChange({ ...value, answers: value.answers.map((entry, i) => (i === index ? { ...entry, ...change } : entry)) });
  const error = (field: string) => errors.get(field)?.join('; ');
  const startingWith = (prefix: string) =>
    [...errors.entries()]
      .filter(([field]) => field === prefix || field.startsWith(`${prefix}[`))
      .flatMap(([, messages]) => messages)
      .join('; ') || undefined;
  const numeric = value.type !== 'text';

  return (
    <Stack gap="sm">
      <Stack gap={4}>
        <Text fw={500} size="sm" id="answer-type-label">
          How answers are compared
        </Text>
        <SegmentedControl
          aria-labelledby="answer-type-label"
          value={value.type}
          onChange={(type) => onChange({ ...value, type: type as AnswerKeyType })}
          data={[
            { value: 'text', label: 'Text' },
            { value: 'numeric', label: 'Numbers' },
            { value: 'mixed', label: 'Mixed' },
          ]}
          w="fit-content"
        />
        <Text size="xs" c="dimmed">
          Text ignores case and extra spaces; numbers accept 1,000, -3.5 or 1/2 and may have a tolerance; mixed decides per answer.
        </Text>
        {error('type') && (
          <Text size="sm" c="red.9">
            {error('type')}
          </Text>
        )}
      </Stack>
      <NumberInput label="Points per question" min={0} decimalScale={2} value={value.pointsPerQuestion} onChange={(points) => onChange({ ...value, pointsPerQuestion: points })} error={error('points_per_question')} w={200} />
      {(error('answers') || error('total_questions') || error('')) && (
        <Text size="sm" c="red.9" role="alert">
          {[error('answers'), error('total_questions'), error('')].filter(Boolean).join('; ')}
        </Text>
      )}
      <Table.ScrollContainer minWidth={700}>
        <Table aria-label="Answer key">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col" w={60}>
                Question
              </Table.Th>
              <Table.Th scope="col">Expected answer</Table.Th>
              <Table.Th scope="col" w={110}>
                Points
              </Table.Th>
              {numeric && (
                <Table.Th scope="col" w={120}>
                  Tolerance
                </Table.Th>
              )}
              <Table.Th scope="col">Also accept (separate with |)</Table.Th>
              <Table.Th scope="col" w={50}>
                <span className="visually-hidden">Remove</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {value.answers.map((entry, index) => {
              const at = `answers[${index}]`;
              const question = index + 1;
              return (
                <Table.Tr key={entry.key} style={{ verticalAlign: 'top' }}>
                  <Table.Td pt="md">{question}</Table.Td>
                  <Table.Td>
                    <TextInput aria-label={`Question ${question} answer`} value={entry.answer} onChange={(e) => update(index, { answer: e.currentTarget.value })} error={[error(at), error(`${at}.answer`)].filter(Boolean).join('; ') || undefined} />
                  </Table.Td>
                  <Table.Td>
                    <NumberInput aria-label={`Question ${question} points`} placeholder="default" min={0} decimalScale={2} value={entry.points} onChange={(points) => update(index, { points })} error={error(`${at}.points`)} />
                  </Table.Td>
                  {numeric && (
                    <Table.Td>
                      <NumberInput aria-label={`Question ${question} tolerance`} placeholder="exact" min={0} decimalScale={4} value={entry.tolerance} onChange={(tolerance) => update(index, { tolerance })} error={error(`${at}.tolerance`)} />
                    </Table.Td>
                  )}
                  <Table.Td>
                    <TextInput aria-label={`Question ${question}: other accepted answers`} value={entry.accept} onChange={(e) => update(index, { accept: e.currentTarget.value })} error={startingWith(`${at}.accept`)} />
                  </Table.Td>
                  <Table.Td>
                    <ActionIcon variant="default" size="lg" onClick={() => onChange({ ...value, answers: value.answers.filter((_, i) => i !== index) })} disabled={value.answers.length === 1} aria-label={`Remove question ${question}`}>
                      <span aria-hidden="true">×</span>
                    </ActionIcon>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange({ ...value, answers: [...value.answers, newAnswer()] })}>
          Add a question
        </Button>
        <Text size="sm" c="dimmed">
          {value.answers.length} questions
        </Text>
      </Group>
    </Stack>
  );
}

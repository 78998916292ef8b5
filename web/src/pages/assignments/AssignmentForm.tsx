import { Alert, Anchor, Button, Card, Group, NumberInput, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, type ErrorDetail, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { listRubrics } from '../rubrics/rubrics-api';
import { AnswerKeyEditor, type AnswerKeyDraft, toAnswerKey, toAnswerKeyDraft } from './AnswerKeyEditor';

type AssignmentDto = Schemas['AssignmentDto'];
type GradingMode = AssignmentDto['gradingMode'];

export interface AssignmentFields {
  title: string;
  instructions: string | null;
  dueDate: string | null;
  autoApproveThreshold: number | null;
  gradingMode: GradingMode;
  rubricId?: string;
  answerKeyData?: Schemas['AnswerKeyDto'];
}

/** `<input type="datetime-local">` works in local time without a zone; the API wants ISO 8601 with one. */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function byField(details: ErrorDetail[]): Map<string, string[]> {
  const errors = new Map<string, string[]>();
  for (const detail of details) errors.set(detail.field ?? '', [...(errors.get(detail.field ?? '') ?? []), detail.message]);
  return errors;
}

interface AssignmentFormProps {
  existing?: AssignmentDto;
  submitLabel: string;
  onSubmit: (fields: AssignmentFields) => Promise<unknown>;
  onCancel?: () => void;
}

/**
 * Title, instructions, due date and how it is graded: a rubric (its current version is pinned) or
 * an answer key. The rubric and answer key can change only while the assignment is a draft.
 */
export function AssignmentForm({ existing, submitLabel, onSubmit, onCancel }: AssignmentFormProps) {
  const gradingLocked = existing !== undefined && existing.status !== 'draft';
  const [title, setTitle] = useState(existing?.title ?? '');
  const [instructions, setInstructions] = useState(existing?.instructions ?? '');
  const [dueDate, setDueDate] = useState(toLocalInput(existing?.dueDate ?? null));
  const [threshold, setThreshold] = useState<number | string>(existing?.autoApproveThreshold ?? '');
  const [mode, setMode] = useState<GradingMode>(existing?.gradingMode ?? 'rubric');
  const [rubricId, setRubricId] = useState<string | null>(existing?.rubricId ?? null);
  const [answerKey, setAnswerKey] = useState<AnswerKeyDraft>(() => toAnswerKeyDraft(existing?.answerKeyData ?? null));
  const rubrics = useQuery({ queryKey: ['rubrics', 'all', 'picker'], queryFn: () => listRubrics({ scope: 'all', pageSize: 200 }), enabled: !gradingLocked });

  const save = useMutation({
    mutationFn: () =>
      onSubmit({
        title,
        instructions: instructions.trim() || null,
        dueDate: dueDate ? new Date(dueDate).toISOString() : null,
        autoApproveThreshold: typeof threshold === 'number' ? threshold : threshold.trim() === '' ? null : Number(threshold),
        gradingMode: mode,
        ...(gradingLocked ? {} : mode === 'rubric' ? { rubricId: rubricId ?? undefined } : { answerKeyData: toAnswerKey(answerKey) }),
      }),
  });
  const details = save.error instanceof ApiError ? save.error.details : [];
  const errors = byField(details);
  const error = (field: string) => errors.get(field)?.join('; ');
  const answerKeyErrors = new Map([...errors.entries()].filter(([field]) => field.startsWith('answerKeyData')).map(([field, messages]) => [field.replace(/^answerKeyData\.?/, ''), messages]));
  const rubricOptions = [
    { group: 'My rubrics', items: (rubrics.data?.items ?? []).filter((r) => !r.isTemplate).map((r) => ({ value: r.id, label: `${r.name} (${r.maxPoints} points)` })) },
    { group: 'Templates', items: (rubrics.data?.items ?? []).filter((r) => r.isTemplate).map((r) => ({ value: r.id, label: `${r.name} (${r.maxPoints} points)` })) },
  ].filter((group) => group.items.length > 0);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        <Card withBorder padding="md">
          <Stack gap="sm">
            <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={error('title')} />
            <Textarea
              label="Instructions"
              description="What students are asked to do. The AI grader reads this too."
              autosize
              minRows={3}
              value={instructions}
              onChange={(e) => setInstructions(e.currentTarget.value)}
              error={error('instructions')}
            />
            <Group grow align="flex-start">
              <TextInput label="Due" type="datetime-local" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} error={error('dueDate')} description="Optional" />
              <NumberInput
                label="Approve AI grades automatically at confidence"
                description="0 to 1, for example 0.9. Leave empty to review every grade."
                min={0}
                max={1}
                step={0.05}
                decimalScale={2}
                value={threshold}
                onChange={setThreshold}
                error={error('autoApproveThreshold')}
              />
            </Group>
          </Stack>
        </Card>
        <Card withBorder padding="md">
          <Stack gap="sm">
            {gradingLocked ? (
              <Text size="sm">
                Graded with {existing!.gradingMode === 'rubric' ? `a rubric (version ${existing!.rubricVersion})` : 'an answer key'}. This is fixed once the assignment is active.
              </Text>
            ) : (
              <>
                {existing ? (
                  <Text size="sm" fw={500}>
                    Graded with {mode === 'rubric' ? 'a rubric' : 'an answer key'} (changeable while the assignment is a draft)
                  </Text>
                ) : (
                  <Radio.Group label="Graded with" value={mode} onChange={(value) => setMode(value as GradingMode)} error={error('gradingMode')}>
                    <Group mt={6}>
                      <Radio value="rubric" label="A rubric" />
                      <Radio value="answer_key" label="An answer key" />
                    </Group>
                  </Radio.Group>
                )}
                {mode === 'rubric' ? (
                  <Stack gap={4}>
                    <Select
                      label="Rubric"
                      description="Its current version is used; later edits of the rubric do not change this assignment."
                      placeholder={rubrics.isPending ? 'Loading rubrics…' : 'Choose a rubric'}
                      data={rubricOptions}
                      value={rubricId}
                      onChange={setRubricId}
                      searchable
                      nothingFoundMessage="No rubric has that name"
                      error={error('rubricId')}
                      required
                    />
                    <Text size="xs">
                      <Anchor component={Link} to="/rubrics/new">
                        Write a new rubric
                      </Anchor>{' '}
                      or copy a template in the rubric library first.
                    </Text>
                  </Stack>
                ) : (
                  <AnswerKeyEditor value={answerKey} onChange={setAnswerKey} errors={answerKeyErrors} />
                )}
              </>
            )}
          </Stack>
        </Card>
        {save.isError &&
          (details.length > 0 ? (
            <Alert color="red" title="Not saved" role="alert">
              {details.length === 1 ? 'There is 1 problem, shown beside its field.' : `There are ${details.length} problems, shown beside their fields.`}
            </Alert>
          ) : (
            <ErrorAlert error={save.error} title="Not saved" />
          ))}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {submitLabel}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

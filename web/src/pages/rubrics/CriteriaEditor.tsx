import { ActionIcon, Button, Card, Fieldset, Group, List, NumberInput, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { formatPoints } from '../../components/format';
import { type Criterion, type CriterionDraft, isFieldError, type LevelDraft, newCriterion, newLevel, totalPoints } from './criteria';

interface CriteriaEditorProps {
  value: CriterionDraft[];
  onChange: (value: CriterionDraft[]) => void;
  /** The server's problems by normalized field (see rubricErrors). */
  errors: Map<string, string[]>;
}

/** Criteria and their levels, each problem the server found shown beside the field it is about. */
export function CriteriaEditor({ value, onChange, errors }: CriteriaEditorProps) {
  const update = (index: number, change: Partial<CriterionDraft>) => onChange(value.map((criterion, i) => (i === index ? { ...criterion, ...change } : criterion)));
  const move = (index: number, by: number) => {
    const next = [...value];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    onChange(next);
  };
  const listErrors = errors.get('criteria') ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h3">
          Criteria
        </Title>
        <Text size="sm" c="dimmed" aria-live="polite">
          {value.length === 1 ? '1 criterion' : `${value.length} criteria`}, {formatPoints(totalPoints(value))} points in all
        </Text>
      </Group>
      {listErrors.map((message) => (
        <Text key={message} c="red.9" size="sm">
          {message}
        </Text>
      ))}
      {value.map((criterion, index) => {
        const at = `criteria[${index}]`;
        const fieldError = (field: string) => errors.get(`${at}.${field}`)?.join('; ');
        const cardErrors = [...errors.entries()].filter(([field]) => (field === at || field.startsWith(`${at}.`)) && !isFieldError(field)).flatMap(([, messages]) => messages);
        const label = criterion.name.trim() || `Criterion ${index + 1}`;
        return (
          <Card key={criterion.key} withBorder padding="md" data-criterion={index}>
            <Fieldset legend={`Criterion ${index + 1}${criterion.name.trim() ? `: ${criterion.name.trim()}` : ''}`} variant="unstyled" styles={{ legend: { fontWeight: 600, fontSize: 'var(--mantine-font-size-md)', marginBottom: 'var(--mantine-spacing-xs)' } }}>
              <Stack gap="sm">
                {cardErrors.length > 0 && (
                  <List size="sm" c="red.9">
                    {cardErrors.map((message) => (
                      <List.Item key={message}>{message}</List.Item>
                    ))}
                  </List>
                )}
                <Group align="flex-start" grow preventGrowOverflow={false}>
                  <TextInput label="Name" required value={criterion.name} onChange={(e) => update(index, { name: e.currentTarget.value })} error={fieldError('name')} style={{ flexGrow: 3 }} />
                  <NumberInput
                    label="Maximum points"
                    required
                    min={0}
                    max={1000}
                    decimalScale={2}
                    value={criterion.maxPoints}
                    onChange={(points) => update(index, { maxPoints: points })}
                    error={fieldError('max_points')}
                    style={{ flexGrow: 1 }}
                  />
                  <TextInput
                    label="Id"
                    description="Grades refer to it"
                    required
                    value={criterion.id}
                    onChange={(e) => update(index, { id: e.currentTarget.value })}
                    error={fieldError('id')}
                    style={{ flexGrow: 1 }}
                  />
                </Group>
                <Textarea label="Description" autosize minRows={1} value={criterion.description} onChange={(e) => update(index, { description: e.currentTarget.value })} error={fieldError('description')} />
                <LevelsEditor criterionLabel={label} at={at} levels={criterion.levels} errors={errors} onChange={(levels) => update(index, { levels })} />
                <Group gap="xs">
                  <Button size="xs" variant="default" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move up: ${label}`}>
                    Move up
                  </Button>
                  <Button size="xs" variant="default" disabled={index === value.length - 1} onClick={() => move(index, 1)} aria-label={`Move down: ${label}`}>
                    Move down
                  </Button>
                  <Button size="xs" variant="default" color="red" onClick={() => onChange(value.filter((_, i) => i !== index))} disabled={value.length === 1} aria-label={`Remove criterion: ${label}`}>
                    Remove criterion
                  </Button>
                </Group>
              </Stack>
            </Fieldset>
          </Card>
        );
      })}
      <Button variant="default" onClick={() => onChange([...value, newCriterion(value)])} w="fit-content">
        Add a criterion
      </Button>
    </Stack>
  );
}

interface LevelsEditorProps {
  criterionLabel: string;
  at: string;
  levels: LevelDraft[];
  errors: Map<string, string[]>;
  onChange: (levels: LevelDraft[]) => void;
}

function LevelsEditor({ criterionLabel, at, levels, errors, onChange }: LevelsEditorProps) {
  const update = (index: number, change: Partial<LevelDraft>) => onChange(levels.map((level, i) => (i === index ? { ...level, ...change } : level)));
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        Levels (one must award the maximum points)
      </Text>
      {levels.map((level, index) => {
        const field = (name: string) => errors.get(`${at}.levels[${index}].${name}`)?.join('; ');
        return (
          <Group key={level.key} align="flex-start" wrap="nowrap" gap="sm" data-level={index}>
            <NumberInput
              label={`Level ${index + 1} points`}
              min={0}
              decimalScale={2}
              value={level.points}
              onChange={(points) => update(index, { points })}
              error={field('points')}
              w={130}
            />
            <Textarea
              label={`Level ${index + 1}: what work at this level looks like`}
              autosize
              minRows={1}
              value={level.description}
              onChange={(e) => update(index, { description: e.currentTarget.value })}
              error={field('description')}
              style={{ flexGrow: 1 }}
            />
            <ActionIcon
              variant="default"
              size="lg"
              mt={25}
              onClick={() => onChange(levels.filter((_, i) => i !== index))}
              disabled={levels.length === 1}
              aria-label={`Remove level ${index + 1} of ${criterionLabel}`}
            >
              <span aria-hidden="true">×</span>
            </ActionIcon>
          </Group>
        );
      })}
      <Button size="xs" variant="subtle" onClick={() => onChange([...levels, newLevel()])} w="fit-content" aria-label={`Add a level: ${criterionLabel}`}>
        Add a level
      </Button>
    </Stack>
  );
}

/** A rubric's criteria, read-only (templates and old versions). */
export function CriteriaView({ criteria }: { criteria: Criterion[] }) {
  return (
    <Stack gap="md">
      {criteria.map((criterion) => (
        <Card key={criterion.id} withBorder padding="md">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={3} size="h4">
                {criterion.name}
              </Title>
              <Text size="sm" fw={500}>
                {formatPoints(criterion.max_points)} points
              </Text>
            </Group>
            {criterion.description && <Text size="sm">{criterion.description}</Text>}
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col" w={90}>
                    Points
                  </Table.Th>
                  <Table.Th scope="col">What work at this level looks like</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {criterion.levels.map((level) => (
                  <Table.Tr key={level.points}>
                    <Table.Td>{formatPoints(level.points)}</Table.Td>
                    <Table.Td>{level.description}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}

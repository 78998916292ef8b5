import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Anchor, Button, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPoints } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { useAssignment } from '../assignments/queries';
import { useAssignmentStats } from '../review/GradingProgress';

type AssignmentDto = Schemas['AssignmentDto'];

const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value * 10) / 10}%`);
const share = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`);

export default function StatsPage() {
  const { assignmentId = '' } = useParams();
  const assignment = useAssignment(assignmentId);
  return (
    <QueryState query={assignment} what="assignment">
      {(data) => <Stats assignment={data} />}
    </QueryState>
  );
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <Card withBorder padding="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz={24} fw={700}>
        {value}
      </Text>
    </Card>
  );
}

/** The class's results: a score histogram, how each criterion went, and how often the teacher kept the AI's scores. */
function Stats({ assignment }: { assignment: AssignmentDto }) {
  const stats = useAssignmentStats(assignment.id, false);
  const agreement = useQuery({ queryKey: ['ai-agreement', assignment.id], queryFn: () => unwrap(api.GET('/api/assignments/{id}/ai-agreement', { params: { path: { id: assignment.id } } })) });

  return (
    <Page
      title="Statistics"
      description={assignment.title}
      above={
        <Anchor component={Link} to={`/assignments/${assignment.id}`} size="sm">
          ← {assignment.title}
        </Anchor>
      }
      actions={
        <>
          <Button component="a" href={`/api/assignments/${assignment.id}/grades/export.csv`} download variant="default">
            Export approved grades (CSV)
          </Button>
          <Button component="a" href={`/api/assignments/${assignment.id}/grades/export.csv?includeUnapproved=true`} download variant="default">
            Export all grades
          </Button>
        </>
      }
    >
      {stats.isPending ? (
        <Loading />
      ) : stats.isError ? (
        <ErrorAlert error={stats.error} title="Could not load the statistics" />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
            <Figure label="Submissions" value={stats.data.totalSubmissions} />
            <Figure label="Reviewed" value={stats.data.byStatus.reviewed} />
            <Figure label="Waiting for review" value={stats.data.byStatus.graded} />
            <Figure label="Not graded yet" value={stats.data.byStatus.pending + stats.data.byStatus.grading} />
            <Figure label="Mean score" value={percent(stats.data.meanPercentage)} />
            <Figure label="Median score" value={percent(stats.data.medianPercentage)} />
          </SimpleGrid>

          <Card withBorder padding="md" component="section" aria-labelledby="histogram-heading">
            <Title order={2} size="h4" id="histogram-heading" mb="sm">
              Scores ({stats.data.gradeCount} grades)
            </Title>
            {stats.data.gradeCount === 0 ? (
              <Text c="dimmed">No grades yet.</Text>
            ) : (
              <>
                <div aria-hidden="true">
                  <BarChart
                    h={240}
                    data={stats.data.histogram.map((bucket) => ({ band: `${bucket.from}–${bucket.to}%`, Students: bucket.count }))}
                    dataKey="band"
                    series={[{ name: 'Students', color: 'blue.8' }]}
                    tickLine="y"
                    yAxisProps={{ allowDecimals: false }}
                    barChartProps={{ accessibilityLayer: false }}
                  />
                </div>
                <Table className="visually-hidden" aria-label="Score histogram">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Score band</Table.Th>
                      <Table.Th scope="col">Students</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {stats.data.histogram.map((bucket) => (
                      <Table.Tr key={bucket.from}>
                        <Table.Td>
                          {bucket.from}% to {bucket.to}%
                        </Table.Td>
                        <Table.Td>{bucket.count}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Card>

          {stats.data.criteria.length > 0 && (
            <Card withBorder padding="md" component="section" aria-labelledby="criteria-heading">
              <Title order={2} size="h4" id="criteria-heading" mb="sm">
                {assignment.gradingMode === 'rubric' ? 'By criterion' : 'By question'}: mean share of the points
              </Title>
              <div aria-hidden="true">
                <BarChart
                  h={Math.max(160, stats.data.criteria.length * 44)}
                  orientation="vertical"
                  data={stats.data.criteria.map((criterion) => ({ criterion: criterion.criterionName ?? criterion.criterionId, 'Mean %': Math.round(criterion.meanFraction * 1000) / 10 }))}
                  dataKey="criterion"
                  series={[{ name: 'Mean %', color: 'teal.9' }]}
                  xAxisProps={{ domain: [0, 100] }}
                  yAxisProps={{ width: 140 }}
                  barChartProps={{ accessibilityLayer: false }}
                />
              </div>
              <Table mt="sm" striped aria-label="Criteria">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{assignment.gradingMode === 'rubric' ? 'Criterion' : 'Question'}</Table.Th>
                    <Table.Th scope="col">Mean</Table.Th>
                    <Table.Th scope="col">Share</Table.Th>
                    <Table.Th scope="col">Grades</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {stats.data.criteria.map((criterion) => (
                    <Table.Tr key={criterion.criterionId}>
                      <Table.Td>{criterion.criterionName ?? criterion.criterionId}</Table.Td>
                      <Table.Td>
                        {formatPoints(Math.round(criterion.meanScore * 100) / 100)} of {formatPoints(criterion.maxScore)}
                      </Table.Td>
                      <Table.Td>{share(criterion.meanFraction)}</Table.Td>
                      <Table.Td>{criterion.count}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          )}

          <Card withBorder padding="md" component="section" aria-labelledby="agreement-heading">
            <Title order={2} size="h4" id="agreement-heading" mb="xs">
              Agreement between the AI and you
            </Title>
            {agreement.isPending ? (
              <Loading />
            ) : agreement.isError ? (
              <ErrorAlert error={agreement.error} title="Could not load the agreement" />
            ) : agreement.data.gradeCount === 0 ? (
              <Text c="dimmed">No reviewed AI grades yet. Once you approve or correct AI grades, this shows how often you kept its scores.</Text>
            ) : (
              <Stack gap="sm">
                <SimpleGrid cols={{ base: 2, sm: 4 }}>
                  <Figure label="Scores kept exactly" value={share(agreement.data.exactAgreement)} />
                  <Figure label="Within one level" value={share(agreement.data.withinOneLevel)} />
                  <Figure label="Weighted kappa" value={agreement.data.quadraticWeightedKappa === null ? '—' : agreement.data.quadraticWeightedKappa.toFixed(2)} />
                  <Figure label="Mean change (points)" value={agreement.data.meanChange === null ? '—' : agreement.data.meanChange.toFixed(2)} />
                </SimpleGrid>
                <Text size="sm" c="dimmed">
                  From {agreement.data.gradeCount} AI grades you reviewed. A negative change means you lowered the AI's scores.
                </Text>
                <Table striped aria-label="Agreement by criterion">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Criterion</Table.Th>
                      <Table.Th scope="col">Kept exactly</Table.Th>
                      <Table.Th scope="col">Within one level</Table.Th>
                      <Table.Th scope="col">Kappa</Table.Th>
                      <Table.Th scope="col">Mean change</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {agreement.data.criteria.map((criterion) => (
                      <Table.Tr key={criterion.criterionId}>
                        <Table.Td>{criterion.criterionName ?? criterion.criterionId}</Table.Td>
                        <Table.Td>{share(criterion.exactAgreement)}</Table.Td>
                        <Table.Td>{share(criterion.withinOneLevel)}</Table.Td>
                        <Table.Td>{criterion.quadraticWeightedKappa === null ? '—' : criterion.quadraticWeightedKappa.toFixed(2)}</Table.Td>
                        <Table.Td>{criterion.meanChange === null ? '—' : criterion.meanChange.toFixed(2)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            )}
          </Card>
        </Stack>
      )}
    </Page>
  );
}

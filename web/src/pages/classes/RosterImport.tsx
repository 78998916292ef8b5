import { Alert, Card, List, Stack, Table, Text, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, type ErrorDetail, type Schemas, upload } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { parseCsv } from '../../components/csv';

/** The roster columns, as the server names them in errors ("row 4, email"), and the header spellings it accepts. */
const COLUMNS = [
  { key: 'name', label: 'Name', headers: ['name', 'student name', 'full name'] },
  { key: 'email', label: 'Email', headers: ['email', 'e-mail', 'email address', 'student email'] },
  { key: 'student id', label: 'Student id', headers: ['student id', 'student_id', 'studentid', 'id'] },
] as const;
type ColumnKey = (typeof COLUMNS)[number]['key'];

interface RowProblem {
  row: number;
  column?: ColumnKey;
  message: string;
}

interface FailedImport {
  fileName: string;
  rows: string[][];
  positions: Partial<Record<ColumnKey, number>>;
  byRow: Map<number, RowProblem[]>;
  general: ErrorDetail[];
}

/** Splits the server's details into problems of a spreadsheet row (and column) and problems of the whole file. */
function readProblems(details: ErrorDetail[]): { byRow: Map<number, RowProblem[]>; general: ErrorDetail[] } {
  const byRow = new Map<number, RowProblem[]>();
  const general: ErrorDetail[] = [];
  for (const detail of details) {
    const match = /^row (\d+)(?:, (.+))?$/.exec(detail.field ?? '');
    const row = match ? Number(match[1]) : NaN;
    if (!match || row < 2) {
      general.push(detail);
      continue;
    }
    const column = COLUMNS.find((c) => c.key === match[2])?.key;
    byRow.set(row, [...(byRow.get(row) ?? []), { row, column, message: detail.message }]);
  }
  return { byRow, general };
}

function columnPositions(header: string[] | undefined): Partial<Record<ColumnKey, number>> {
  const positions: Partial<Record<ColumnKey, number>> = {};
  (header ?? []).forEach((cell, index) => {
    const title = cell.trim().toLowerCase().replace(/\s+/g, ' ');
    const column = COLUMNS.find((c) => (c.headers as readonly string[]).includes(title));
    if (column && positions[column.key] === undefined) positions[column.key] = index;
  });
  return positions;
}

/**
 * Roster import by file drop: all or nothing on the server. When rows are wrong, the rows of the
 * file are shown with the wrong cells marked and the server's message beside them.
 */
export function RosterImport({ classId, disabled }: { classId: string; disabled?: boolean }) {
  const queryClient = useQueryClient();
  const [failed, setFailed] = useState<FailedImport | null>(null);
  const [progress, setProgress] = useState(0);
  const importCsv = useMutation({
    mutationFn: async (file: File) => {
      const body = new FormData();
      body.append('file', file);
      return upload<Schemas['RosterImportResultDto']>(`/api/classes/${classId}/students/import`, body, { onProgress: setProgress });
    },
    onMutate: () => {
      setFailed(null);
      setProgress(0);
    },
    onSuccess: async (result, file) => {
      notifications.show({
        color: 'green',
        title: 'Roster imported',
        message: `${file.name}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged.`,
      });
      await queryClient.invalidateQueries({ queryKey: ['students', classId] });
      await queryClient.invalidateQueries({ queryKey: ['class', classId] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
    onError: async (error, file) => {
      if (!(error instanceof ApiError) || error.details.length === 0) return;
      const rows = parseCsv(await file.text());
      const { byRow, general } = readProblems(error.details);
      setFailed({ fileName: file.name, rows, positions: columnPositions(rows[0]), byRow, general });
    },
  });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="roster-import-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="roster-import-heading">
          Import a roster CSV
        </Title>
        <Text size="sm" c="dimmed">
          A header row, then one student per row, with columns <strong>name</strong>, <strong>email</strong> and <strong>student id</strong> (email and student id are optional). Students already on the roster are updated, not duplicated. If any row is wrong, nothing is imported.
        </Text>
        <Dropzone
          onDrop={(files) => files[0] && importCsv.mutate(files[0])}
          onReject={() => notifications.show({ color: 'red', title: 'Not a CSV file', message: 'Drop a .csv file (at most 2 MB), saved from a spreadsheet as "CSV".' })}
          accept={['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', '.csv']}
          maxSize={2 * 1024 * 1024}
          multiple={false}
          loading={importCsv.isPending}
          disabled={disabled}
          aria-label="Roster CSV file: drop it here, or press Enter to choose it"
          name="roster"
        >
          <Stack align="center" gap={4} py="md" style={{ pointerEvents: 'none' }}>
            <Text fw={500}>Drop the roster CSV here, or click to choose it</Text>
            <Text size="sm" c="dimmed">
              .csv, up to 2 MB
            </Text>
          </Stack>
        </Dropzone>
        {importCsv.isPending && progress > 0 && progress < 1 && (
          <Text size="sm" role="status">
            Uploading… {Math.round(progress * 100)}%
          </Text>
        )}
        {importCsv.isError && !failed && <ErrorAlert error={importCsv.error} title="The roster was not imported" />}
        {failed && <ImportProblems failed={failed} />}
      </Stack>
    </Card>
  );
}

function ImportProblems({ failed }: { failed: FailedImport }) {
  const rowNumbers = [...failed.byRow.keys()].sort((a, b) => a - b);
  const shownColumns = COLUMNS.filter((column) => failed.positions[column.key] !== undefined);
  const problemCount = [...failed.byRow.values()].reduce((sum, problems) => sum + problems.length, 0) + failed.general.length;
  return (
    <Stack gap="sm">
      <Alert color="red" variant="light" title="The roster was not imported" role="alert">
        <Text size="sm">
          {failed.fileName} has {problemCount === 1 ? '1 problem' : `${problemCount} problems`}
          {rowNumbers.length > 0 && ` in ${rowNumbers.length === 1 ? '1 row' : `${rowNumbers.length} rows`}`}. Nothing was changed. Correct the file and drop it again.
        </Text>
        {failed.general.length > 0 && (
          <List size="sm" mt="xs">
            {failed.general.map((detail, index) => (
              <List.Item key={index}>
                {detail.field && detail.field !== 'file' ? <strong>{detail.field.replace(/^row/, 'Row')}: </strong> : null}
                {detail.message}
              </List.Item>
            ))}
          </List>
        )}
      </Alert>
      {rowNumbers.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table withTableBorder withColumnBorders>
            <Table.Caption>Rows with problems, numbered as in your spreadsheet (the header is row 1). Marked cells are wrong.</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Row</Table.Th>
                {shownColumns.map((column) => (
                  <Table.Th scope="col" key={column.key}>
                    {column.label}
                  </Table.Th>
                ))}
                <Table.Th scope="col">Problem</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rowNumbers.map((rowNumber) => {
                const problems = failed.byRow.get(rowNumber) ?? [];
                const cells = failed.rows[rowNumber - 1] ?? [];
                return (
                  <Table.Tr key={rowNumber} data-row={rowNumber}>
                    <Table.Th scope="row">{rowNumber}</Table.Th>
                    {shownColumns.map((column) => {
                      const invalid = problems.some((problem) => problem.column === column.key);
                      const value = cells[failed.positions[column.key]!] ?? '';
                      return (
                        <Table.Td key={column.key} className={invalid ? 'cell-invalid' : undefined} data-invalid={invalid || undefined}>
                          {value || <Text span c="dimmed" size="sm">(empty)</Text>}
                          {invalid && <span className="visually-hidden"> (wrong)</span>}
                        </Table.Td>
                      );
                    })}
                    <Table.Td>
                      <Stack gap={2}>
                        {problems.map((problem, index) => (
                          <Text size="sm" key={index} c="red.9">
                            {problem.column ? <strong>{COLUMNS.find((c) => c.key === problem.column)?.label}: </strong> : null}
                            {problem.message}
                          </Text>
                        ))}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

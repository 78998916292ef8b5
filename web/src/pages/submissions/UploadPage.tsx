import { Alert, Anchor, Badge, Button, Card, Checkbox, Group, NumberInput, Progress, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import '@mantine/dropzone/styles.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type Schemas, unwrap, upload } from '../../api/client';
import { errorMessage } from '../../components/ErrorAlert';
import { Page } from '../../components/Page';
import { QueryState } from '../../components/QueryState';
import { plural } from '../../components/format';
import { useAssignment } from '../assignments/queries';

type UploadResult = Schemas['UploadResultDto'];
type AssignmentDto = Schemas['AssignmentDto'];

const FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'text/plain'];
/** Uploads sent at the same time; the rest wait their turn. */
const PARALLEL_UPLOADS = 3;

interface QueuedFile {
  key: string;
  file: File;
  /** Makes a retry safe: the server answers the first result again instead of storing the file twice. */
  idempotencyKey: string;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  progress: number;
  result?: UploadResult;
  error?: string;
  /** False when the browser already knows the server would refuse it (its type). */
  retryable?: boolean;
}

export default function UploadPage() {
  const { assignmentId = '' } = useParams();
  const assignment = useAssignment(assignmentId);
  return (
    <QueryState query={assignment} what="assignment">
      {(data) => <UploadView assignment={data} />}
    </QueryState>
  );
}

function UploadView({ assignment }: { assignment: AssignmentDto }) {
  const [mode, setMode] = useState<'files' | 'stack'>('files');
  const [uploaded, setUploaded] = useState(0);
  const archived = assignment.status === 'archived';
  return (
    <Page
      title="Upload student work"
      description={assignment.title}
      above={
        <Anchor component={Link} to={`/assignments/${assignment.id}`} size="sm">
          ← {assignment.title}
        </Anchor>
      }
    >
      {archived && (
        <Alert color="gray" title="This assignment is archived">
          Archived assignments take no more work.
        </Alert>
      )}
      {assignment.status === 'draft' && (
        <Alert color="blue" variant="light">
          The assignment is still a draft. Work uploaded now is kept, and graded once you activate the assignment.
        </Alert>
      )}
      <Stack gap={4}>
        <Text fw={500} size="sm" id="upload-kind-label">
          What are you uploading?
        </Text>
        <SegmentedControl
          aria-labelledby="upload-kind-label"
          value={mode}
          onChange={(value) => setMode(value as 'files' | 'stack')}
          data={[
            { value: 'files', label: 'Photos or files, one per student' },
            { value: 'stack', label: 'One scanned PDF of the whole class' },
          ]}
          w="fit-content"
        />
      </Stack>
      {mode === 'files' ? <FilesUpload assignment={assignment} disabled={archived} onUploaded={() => setUploaded((n) => n + 1)} /> : <StackUpload assignment={assignment} disabled={archived} onUploaded={() => setUploaded((n) => n + 1)} />}
      <IntakeProgress assignmentId={assignment.id} uploads={uploaded} />
    </Page>
  );
}

function FilesUpload({ assignment, disabled, onUploaded }: { assignment: AssignmentDto; disabled: boolean; onUploaded: () => void }) {
  const queryClient = useQueryClient();
  const [queue, setQueue] = useState<QueuedFile[]>([]);
  const patch = useCallback((key: string, change: Partial<QueuedFile>) => setQueue((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item))), []);

  const send = useCallback(
    async (item: QueuedFile) => {
      patch(item.key, { state: 'uploading', progress: 0, error: undefined });
      const body = new FormData();
      body.append('files', item.file, item.file.name);
      try {
        const result = await upload<UploadResult>(`/api/assignments/${assignment.id}/submissions`, body, {
          headers: { 'Idempotency-Key': item.idempotencyKey },
          onProgress: (progress) => patch(item.key, { progress }),
        });
        patch(item.key, { state: 'done', progress: 1, result });
        onUploaded();
        await queryClient.invalidateQueries({ queryKey: ['submissions', assignment.id] });
        await queryClient.invalidateQueries({ queryKey: ['unmatched', assignment.id] });
      } catch (error) {
        const detail = error instanceof ApiError ? error.details.map((d) => d.message).join('; ') : '';
        patch(item.key, { state: 'failed', error: detail && !errorMessage(error).includes(detail) ? `${errorMessage(error)} ${detail}` : errorMessage(error) });
      }
    },
    [assignment.id, onUploaded, patch, queryClient],
  );

  // Starts waiting files while fewer than PARALLEL_UPLOADS are on their way.
  useEffect(() => {
    const waiting = queue.filter((item) => item.state === 'waiting');
    const free = PARALLEL_UPLOADS - queue.filter((item) => item.state === 'uploading').length;
    for (const item of waiting.slice(0, Math.max(0, free))) void send(item);
  }, [queue, send]);

  const add = (files: File[]) =>
    setQueue((current) => [
      ...current,
      ...files.map((file) => ({ key: crypto.randomUUID(), file, idempotencyKey: crypto.randomUUID(), state: 'waiting' as const, progress: 0 })),
    ]);
  const done = queue.filter((item) => item.state === 'done');
  const failed = queue.filter((item) => item.state === 'failed');
  const unmatched = done.flatMap((item) => item.result?.submissions ?? []).filter((submission) => submission.match.status !== 'matched').length;

  return (
    <Stack gap="md">
      <Dropzone
        onDrop={add}
        onReject={(rejections) =>
          setQueue((current) => [
            ...current,
            ...rejections.map((rejection) => ({
              key: crypto.randomUUID(),
              file: rejection.file,
              idempotencyKey: crypto.randomUUID(),
              state: 'failed' as const,
              progress: 0,
              retryable: false,
              error: rejection.errors.map((e) => (e.code === 'file-invalid-type' ? 'This kind of file cannot be graded: use JPEG, PNG or WebP photos, PDFs or plain text.' : e.message)).join(' '),
            })),
          ])
        }
        accept={FILE_TYPES}
        multiple
        disabled={disabled}
        aria-label="Student work files: drop them here, or press Enter to choose them"
        name="files"
      >
        <Stack align="center" gap={4} py="xl" style={{ pointerEvents: 'none' }}>
          <Text fw={500} size="lg">
            Drop photos, scans or PDFs here, or click to choose them
          </Text>
          <Text size="sm" c="dimmed">
            One file per student. Name files after the student (for example "Maya Lopez.jpg") and HandMark matches them to the roster.
          </Text>
        </Stack>
      </Dropzone>
      {queue.length > 0 && (
        <Card withBorder padding="md" component="section" aria-labelledby="queue-heading">
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h4" id="queue-heading">
              Files
            </Title>
            <Text size="sm" aria-live="polite">
              {done.length} of {queue.length} uploaded{failed.length > 0 ? `, ${failed.length} failed` : ''}
            </Text>
          </Group>
          <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {queue.map((item) => (
              <li key={item.key} data-file={item.file.name}>
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Text size="sm" fw={500} truncate>
                    {item.file.name}{' '}
                    <Text span size="xs" c="dimmed">
                      ({Math.max(1, Math.round(item.file.size / 1024))} KB)
                    </Text>
                  </Text>
                  <FileState item={item} onRetry={() => patch(item.key, { state: 'waiting' })} />
                </Group>
                <Progress
                  value={Math.round(item.progress * 100)}
                  color={item.state === 'failed' ? 'red.8' : item.state === 'done' ? 'green.8' : 'blue.8'}
                  mt={4}
                  aria-label={`${item.file.name} upload`}
                  animated={item.state === 'uploading'}
                />
                {item.error && (
                  <Text size="sm" c="red.9" mt={4}>
                    {item.error}
                  </Text>
                )}
              </li>
            ))}
          </Stack>
        </Card>
      )}
      {done.length > 0 && unmatched > 0 && (
        <Alert color="orange" variant="light" title={`${plural(unmatched, 'submission')} without a student`}>
          HandMark could not tell whose work {unmatched === 1 ? 'it is' : 'they are'} from the file name.{' '}
          <Anchor component={Link} to={`/assignments/${assignment.id}/matching`}>
            Match {unmatched === 1 ? 'it' : 'them'} to students
          </Anchor>
          .
        </Alert>
      )}
    </Stack>
  );
}

function FileState({ item, onRetry }: { item: QueuedFile; onRetry: () => void }) {
  switch (item.state) {
    case 'waiting':
      return <Badge color="gray.7">waiting</Badge>;
    case 'uploading':
      return <Badge color="blue.8">{Math.round(item.progress * 100)}%</Badge>;
    case 'done': {
      const submission = item.result?.submissions[0];
      if (item.result && item.result.duplicates > 0) return <Badge color="gray.8">already uploaded</Badge>;
      return <Badge color="green.9">{submission?.studentName ? `uploaded · ${submission.studentName}` : 'uploaded'}</Badge>;
    }
    case 'failed':
      return (
        <Group gap="xs" wrap="nowrap">
          <Badge color="red.9">{item.retryable === false ? 'not accepted' : 'failed'}</Badge>
          {item.retryable !== false && (
          <Button size="compact-xs" variant="default" onClick={onRetry} aria-label={`Retry ${item.file.name}`}>
            Retry
          </Button>
          )}
        </Group>
      );
  }
}

function StackUpload({ assignment, disabled, onUploaded }: { assignment: AssignmentDto; disabled: boolean; onUploaded: () => void }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [pagesPerStudent, setPagesPerStudent] = useState<number | string>(1);
  const [boundaries, setBoundaries] = useState('');
  const [coverPages, setCoverPages] = useState(false);
  const [progress, setProgress] = useState(0);
  const [state, setState] = useState<'idle' | 'uploading' | 'done' | 'failed'>('idle');
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());

  const submit = async () => {
    if (!file) return;
    const body = new FormData();
    body.append('file', file, file.name);
    if (boundaries.trim()) body.append('boundaries', boundaries.trim());
    else body.append('pagesPerStudent', String(pagesPerStudent));
    if (coverPages) body.append('coverPages', 'true');
    setState('uploading');
    setError(null);
    setProgress(0);
    try {
      const uploaded = await upload<UploadResult>(`/api/assignments/${assignment.id}/submissions/stack`, body, { headers: { 'Idempotency-Key': idempotencyKey.current }, onProgress: setProgress });
      setResult(uploaded);
      setState('done');
      onUploaded();
      idempotencyKey.current = crypto.randomUUID();
      await queryClient.invalidateQueries({ queryKey: ['submissions', assignment.id] });
      await queryClient.invalidateQueries({ queryKey: ['unmatched', assignment.id] });
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, {}));
      setState('failed');
    }
  };
  const fieldError = (name: string) => error?.details.find((detail) => detail.field === name)?.message;

  return (
    <Card withBorder padding="md">
      <Stack gap="md">
        <Dropzone
          onDrop={(files) => {
            setFile(files[0] ?? null);
            setState('idle');
            setResult(null);
            idempotencyKey.current = crypto.randomUUID();
          }}
          accept={['application/pdf']}
          multiple={false}
          disabled={disabled || state === 'uploading'}
          aria-label="Whole-class PDF: drop it here, or press Enter to choose it"
          name="stack"
        >
          <Stack align="center" gap={4} py="lg" style={{ pointerEvents: 'none' }}>
            <Text fw={500}>{file ? `${file.name} (${Math.round(file.size / 1024)} KB)` : 'Drop the scanned PDF here, or click to choose it'}</Text>
            <Text size="sm" c="dimmed">
              Students in roster order or in any order; pages are split per student and matched after.
            </Text>
          </Stack>
        </Dropzone>
        <Group align="flex-start">
          <NumberInput label="Pages per student" min={1} max={50} value={pagesPerStudent} onChange={setPagesPerStudent} disabled={boundaries.trim() !== ''} error={fieldError('pagesPerStudent')} w={180} />
          <TextInput
            label="Or: first page of each student"
            description="When students have different page counts, e.g. 1, 4, 6"
            value={boundaries}
            onChange={(e) => setBoundaries(e.currentTarget.value)}
            error={fieldError('boundaries')}
            w={320}
          />
        </Group>
        <Checkbox label="Each student's first page is a cover sheet" checked={coverPages} onChange={(e) => setCoverPages(e.currentTarget.checked)} />
        <Button onClick={() => void submit()} disabled={!file || disabled} loading={state === 'uploading'} w="fit-content">
          Upload and split
        </Button>
        {state !== 'idle' && <Progress value={Math.round(progress * 100)} color={state === 'failed' ? 'red.8' : 'blue.8'} aria-label={`${file?.name ?? 'PDF'} upload`} animated={state === 'uploading'} />}
        {state === 'failed' && error && (
          <Alert color="red" variant="light" title="The PDF was not uploaded" role="alert">
            {errorMessage(error)}
            {error.details.filter((d) => !['pagesPerStudent', 'boundaries'].includes(d.field ?? '')).map((d, i) => (
              <Text key={i} size="sm">
                {d.message}
              </Text>
            ))}
          </Alert>
        )}
        {result && (
          <Alert color="green" variant="light" title="Uploaded" role="status">
            {result.created > 0 ? `Split into ${plural(result.created, 'submission')}.` : 'This PDF was already uploaded; nothing new was stored.'} Pages are being prepared below.{' '}
            <Anchor component={Link} to={`/assignments/${assignment.id}/matching`}>
              Check the matching queue
            </Anchor>
            .
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

/** Pages of PDFs are rendered after the upload; this follows that work until it is done. */
function IntakeProgress({ assignmentId, uploads }: { assignmentId: string; uploads: number }) {
  const poll = uploads > 0;
  const progress = useQuery({
    queryKey: ['intake-progress', assignmentId],
    queryFn: () => unwrap(api.GET('/api/assignments/{id}/intake-progress', { params: { path: { id: assignmentId } } })),
    refetchInterval: (query) => (poll && query.state.data && !query.state.data.complete ? 1000 : false),
  });
  const queryClient = useQueryClient();
  // Each finished upload adds pages to prepare.
  useEffect(() => {
    if (uploads > 0) void queryClient.invalidateQueries({ queryKey: ['intake-progress', assignmentId] });
  }, [uploads, assignmentId, queryClient]);
  if (!progress.data || progress.data.submissions === 0) return null;
  const { pagesRendered, pagesTotal, submissions, submissionsReady, submissionsFailed, complete } = progress.data;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="intake-heading">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="intake-heading">
          Preparing pages
        </Title>
        <Text size="sm" aria-live="polite">
          {complete ? 'All pages are ready.' : `${pagesRendered} of ${pagesTotal} pages ready`}
        </Text>
      </Group>
      <Progress value={pagesTotal === 0 ? 100 : Math.round((pagesRendered / pagesTotal) * 100)} aria-label="Pages prepared" color={complete ? 'green.8' : 'blue.8'} />
      <Text size="sm" c="dimmed" mt="xs">
        {submissionsReady} of {plural(submissions, 'submission')} ready{submissionsFailed > 0 ? `, ${submissionsFailed} could not be read` : ''}.
      </Text>
    </Card>
  );
}

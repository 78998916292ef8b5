import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

interface ClassFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Edit this class; without it, create one. */
  existing?: Schemas['ClassDto'];
  onSaved?: (saved: Schemas['ClassDto']) => void;
}

export function ClassFormModal({ opened, onClose, existing, onSaved }: ClassFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={existing ? 'Edit class' : 'New class'}>
      {opened && <ClassForm existing={existing} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function ClassForm({ existing, onClose, onSaved }: Omit<ClassFormModalProps, 'opened'>) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(existing?.name ?? '');
  const [gradeLevel, setGradeLevel] = useState(existing?.gradeLevel ?? '');
  const [subject, setSubject] = useState(existing?.subject ?? '');
  const [academicYear, setAcademicYear] = useState(existing?.academicYear ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, gradeLevel: gradeLevel || null, subject: subject || null, academicYear: academicYear || null };
      return existing
        ? unwrap(api.PATCH('/api/classes/{id}', { params: { path: { id: existing.id }, header: { 'If-Match': String(existing.version) } }, body }))
        : unwrap(api.POST('/api/classes', { body }));
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['classes'] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      queryClient.setQueryData(['class', saved.id], saved);
      onSaved?.(saved);
      onClose?.();
    },
  });
  const errors = fieldErrors(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput label="Class name" description='For example "3rd Period Math"' required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} data-autofocus />
        <Group grow>
          <TextInput label="Grade level" description='"3rd", "6th"' value={gradeLevel} onChange={(e) => setGradeLevel(e.currentTarget.value)} error={errors.gradeLevel} />
          <TextInput label="Subject" description="Math, ELA, Science" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={errors.subject} />
        </Group>
        <TextInput label="School year" description='For example "2025-2026"' value={academicYear} onChange={(e) => setAcademicYear(e.currentTarget.value)} error={errors.academicYear} />
        {save.isError && Object.keys(errors).length === 0 && <ErrorAlert error={save.error} title="Could not save the class" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {existing ? 'Save changes' : 'Create class'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

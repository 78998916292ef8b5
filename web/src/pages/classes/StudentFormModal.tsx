import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, fieldErrors, type Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

interface StudentFormModalProps {
  classId: string;
  /** Edit this student; without it, add one. */
  student?: Schemas['StudentDto'];
  opened: boolean;
  onClose: () => void;
}

export function StudentFormModal({ classId, student, opened, onClose }: StudentFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={student ? `Edit ${student.name}` : 'Add a student'}>
      {opened && <StudentForm classId={classId} student={student} onClose={onClose} />}
    </Modal>
  );
}

function StudentForm({ classId, student, onClose }: Omit<StudentFormModalProps, 'opened'>) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(student?.name ?? '');
  const [email, setEmail] = useState(student?.email ?? '');
  const [studentId, setStudentId] = useState(student?.studentId ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, email: email.trim() || null, studentId: studentId.trim() || null };
      return student
        ? unwrap(api.PATCH('/api/students/{id}', { params: { path: { id: student.id }, header: { 'If-Match': String(student.version) } }, body }))
        : unwrap(api.POST('/api/classes/{id}/students', { params: { path: { id: classId } }, body }));
    },
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: student ? `${saved.name} was updated.` : `${saved.name} was added to the class.` });
      await queryClient.invalidateQueries({ queryKey: ['students', classId] });
      await queryClient.invalidateQueries({ queryKey: ['class', classId] });
      await queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      onClose();
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
        <TextInput label="Full name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} data-autofocus />
        <TextInput label="Email" type="email" description="Optional; unique in the class" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} />
        <TextInput label="Student id" description="The school's id; optional, unique in the class" value={studentId} onChange={(e) => setStudentId(e.currentTarget.value)} error={errors.studentId} />
        {save.isError && Object.keys(errors).length === 0 && <ErrorAlert error={save.error} title="Could not save the student" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {student ? 'Save changes' : 'Add student'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

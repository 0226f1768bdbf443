import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useNavigate } from 'react-router';
import { applyFieldErrors } from '../../platform/api.js';
import { ErrorState } from '../../platform/ui/states.js';
import { useBreakTheGlass } from './patients.queries.js';
import { LockIcon } from '../../platform/ui/lock-icon.js';

/** A restricted chart: the person states why they need it; the reason is audited and the manager alerted. */
export function BreakTheGlassDialog({ patientId }: { patientId: string }) {
  const navigate = useNavigate();
  const breakTheGlass = useBreakTheGlass(patientId);
  const form = useForm({
    initialValues: { reason: '' },
    validate: { reason: (value) => (value.trim().length >= 10 ? null : 'Describe why you need this chart (at least 10 characters).') },
  });
  const submit = async ({ reason }: { reason: string }) => {
    try {
      await breakTheGlass.mutateAsync(reason.trim());
    } catch (error) {
      applyFieldErrors(error, form.setFieldError);
    }
  };
  return (
    <Modal opened onClose={() => void navigate('/patients')} title={<Group gap={6}><LockIcon size={16} /><span>Restricted chart</span></Group>} size="lg" centered>
      <form noValidate onSubmit={form.onSubmit((values) => void submit(values))}>
        <Stack>
          <Text>
            This patient’s chart is restricted. To open it, state why you need it now. Your name, the time and your reason
            are recorded and the practice manager is notified.
          </Text>
          <Textarea label="Reason for access" autosize minRows={2} autoFocus {...form.getInputProps('reason')} />
          {breakTheGlass.isError && !form.errors.reason ? <ErrorState error={breakTheGlass.error} title="Access was not granted" /> : null}
          <Group>
            <Button type="submit" color="grape" loading={breakTheGlass.isPending}>Open restricted chart</Button>
            <Button variant="subtle" onClick={() => void navigate('/patients')}>Back to patients</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

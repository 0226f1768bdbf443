import { Badge, Button, Checkbox, Group, NativeSelect, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { Encounter } from '../../../../contracts/exam-room/encounters.js';
import { isApiError } from '../../platform/api.js';
import { ErrorState } from '../../platform/ui/states.js';
import { useRoomingChecklists, useUpdateEncounter } from './rooming.queries.js';

/** Chief complaint in the patient's words, reason for visit, visit type, and the visit type's checklist. */
export function EncounterPanel({ encounter, canEdit }: { encounter: Encounter; canEdit: boolean }) {
  const update = useUpdateEncounter();
  const checklists = useRoomingChecklists();
  const [chiefComplaint, setChiefComplaint] = useState(encounter.chiefComplaint);
  const [reasonForVisit, setReasonForVisit] = useState(encounter.reasonForVisit);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const isDirty = chiefComplaint !== encounter.chiefComplaint || reasonForVisit !== encounter.reasonForVisit;

  const save = (request: { chiefComplaint?: string; reasonForVisit?: string; visitType?: string; checklistDone?: string[] }, onDone?: () => void) => {
    update.mutate(
      { encounterId: encounter.id, version: encounter.version, ...request },
      {
        onSuccess: () => {
          setErrors({});
          onDone?.();
        },
        onError: (error) => {
          setPendingDone(null);
          const placed: Record<string, string> = {};
          if (isApiError(error)) for (const issue of error.issues.length > 0 ? error.issues : error.field ? [{ field: error.field, message: error.message }] : []) placed[issue.field] = issue.message;
          setErrors(placed);
          if (Object.keys(placed).length === 0) notifications.show({ color: 'red', title: 'Not saved', message: isApiError(error, 'VERSION_CONFLICT') ? 'Someone else changed this visit; the latest is shown. Try again.' : error.message });
        },
      },
    );
  };

  // The tick shows at once; the server's answer (or a refusal) replaces it.
  const [pendingDone, setPendingDone] = useState<string[] | null>(null);
  const doneKeys = new Set(pendingDone ?? encounter.checklistDone);
  const toggle = (key: string, checked: boolean) => {
    const done = new Set(doneKeys);
    if (checked) done.add(key);
    else done.delete(key);
    setPendingDone([...done]);
    save({ checklistDone: [...done] }, () => setPendingDone(null));
  };

  const visitTypes = checklists.data?.checklists.map((checklist) => ({ value: checklist.visitType, label: checklist.label })) ?? [];
  if (!visitTypes.some((option) => option.value === encounter.visitType)) visitTypes.unshift({ value: encounter.visitType, label: encounter.visitTypeLabel });
  const doneCount = encounter.checklist.filter((item) => doneKeys.has(item.key)).length;

  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="Reason for visit">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">Why the patient came</Title>
          <NativeSelect
            aria-label="Visit type"
            size="xs"
            data={visitTypes}
            value={encounter.visitType}
            disabled={!canEdit || update.isPending}
            onChange={(event) => save({ visitType: event.currentTarget.value })}
          />
        </Group>
        <Textarea
          label="Chief complaint (patient’s words)"
          placeholder="“My head has been pounding since yesterday.”"
          autosize
          minRows={2}
          value={chiefComplaint}
          readOnly={!canEdit}
          onChange={(event) => setChiefComplaint(event.currentTarget.value)}
          error={errors.chiefComplaint}
        />
        <TextInput label="Reason for visit" value={reasonForVisit} readOnly={!canEdit} onChange={(event) => setReasonForVisit(event.currentTarget.value)} error={errors.reasonForVisit} />
        {canEdit ? (
          <Group justify="flex-end">
            <Button variant={isDirty ? 'filled' : 'light'} disabled={!isDirty} loading={update.isPending} onClick={() => save({ chiefComplaint, reasonForVisit })}>Save reason for visit</Button>
          </Group>
        ) : null}
        <Stack gap={6} role="group" aria-label="Rooming checklist">
          <Group gap="xs">
            <Text fw={600} size="sm">Rooming checklist · {encounter.visitTypeLabel}</Text>
            <Badge size="sm" variant="light" color={doneCount === encounter.checklist.length && doneCount > 0 ? 'green' : 'gray'}>{doneCount} of {encounter.checklist.length} done</Badge>
          </Group>
          {encounter.checklist.length === 0 ? <Text size="sm" c="dimmed">No checklist for this visit type.</Text> : null}
          {encounter.checklist.map((item) => (
            <Checkbox
              key={item.key}
              label={item.isSpecialtyExtra ? `${item.label} (specialty)` : item.label}
              checked={doneKeys.has(item.key)}
              disabled={!canEdit || update.isPending}
              onChange={(event) => toggle(item.key, event.currentTarget.checked)}
            />
          ))}
          {errors.checklistDone ? <Text size="xs" c="red.8">{errors.checklistDone}</Text> : null}
        </Stack>
        {checklists.isError ? <ErrorState error={checklists.error} title="Visit types could not be loaded" /> : null}
      </Stack>
    </Paper>
  );
}

import { Alert, Anchor, Button, Checkbox, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { AfterVisitLanguage, AfterVisitSummaryResponse, CreateAfterVisitSummaryRequest } from '../../../../contracts/exam-room/after-visit.js';
import { isApiError } from '../../platform/api.js';
import { EmptyState, ErrorState, LoadingState } from '../../platform/ui/states.js';
import { useAfterVisitTemplates, useCreateAfterVisitSummary } from './rooming.queries.js';

/**
 * The after-visit summary: language, the clinic's templates, free text; printed (the PDF opens in a
 * new tab) or sent to the patient through the outbox.
 */
export function AfterVisitPanel({ encounterId, preferredLanguage }: { encounterId: string; preferredLanguage: string | undefined }) {
  const [language, setLanguage] = useState<AfterVisitLanguage>(preferredLanguage === 'es' ? 'es' : 'en');
  const templates = useAfterVisitTemplates(language);
  const create = useCreateAfterVisitSummary(encounterId);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [instructions, setInstructions] = useState('');
  const [result, setResult] = useState<(AfterVisitSummaryResponse & { delivery: CreateAfterVisitSummaryRequest['delivery'] }) | null>(null);

  const changeLanguage = (value: AfterVisitLanguage) => {
    setLanguage(value);
    setChosen(new Set());
    setResult(null);
  };

  const submit = (delivery: CreateAfterVisitSummaryRequest['delivery']) => {
    // Opened before the request so the browser treats it as the click's own window (not a pop-up).
    const tab = delivery === 'print' ? window.open('about:blank', '_blank') : null;
    create.mutate({ language, templateIds: [...chosen], instructions, delivery }, {
      onSuccess: (response) => {
        setResult({ ...response, delivery });
        if (tab) tab.location.href = response.pdfUrl;
      },
      onError: () => tab?.close(),
    });
  };

  const instructionsError = isApiError(create.error) ? create.error.issues.find((issue) => issue.field === 'instructions')?.message : undefined;

  return (
    <Paper withBorder radius="md" p="md" role="region" aria-label="After-visit summary">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">After-visit summary</Title>
          <SegmentedControl
            aria-label="Summary language"
            value={language}
            onChange={(value) => changeLanguage(value as AfterVisitLanguage)}
            data={[{ value: 'en', label: 'English' }, { value: 'es', label: 'Español' }]}
          />
        </Group>
        <Stack gap={4} role="group" aria-label="Instruction templates">
          <Text fw={600} size="sm">Instructions from the clinic’s templates</Text>
          {templates.isPending ? <LoadingState label="Loading templates…" /> : null}
          {templates.isError ? <ErrorState error={templates.error} onRetry={() => void templates.refetch()} /> : null}
          {templates.data && templates.data.templates.filter((template) => template.isActive).length === 0 ? <EmptyState title="No templates in this language">Write the instructions below.</EmptyState> : null}
          {templates.data?.templates.filter((template) => template.isActive).map((template) => (
            <Checkbox
              key={template.id}
              label={template.title}
              description={template.body.length > 140 ? `${template.body.slice(0, 140)}…` : template.body}
              checked={chosen.has(template.id)}
              onChange={(event) => {
                const checked = event.currentTarget.checked;
                setChosen((current) => {
                  const next = new Set(current);
                  if (checked) next.add(template.id);
                  else next.delete(template.id);
                  return next;
                });
              }}
            />
          ))}
        </Stack>
        <Textarea label="Additional instructions" autosize minRows={3} value={instructions} onChange={(event) => setInstructions(event.currentTarget.value)} error={instructionsError} />
        {create.isError && !instructionsError ? <ErrorState error={create.error} title="The summary was not made" /> : null}
        {result ? (
          <Alert color="green" variant="light" role="status" title={result.delivery === 'print' ? 'Summary ready to print' : 'Summary sent to the patient'}>
            <Group gap="md">
              <Anchor href={result.pdfUrl} target="_blank" rel="noopener">Open the PDF</Anchor>
              {result.messageId ? <Text size="sm">Queued in the outbox.</Text> : null}
            </Group>
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="light" loading={create.isPending && create.variables?.delivery === 'outbox'} onClick={() => submit('outbox')}>Send to patient</Button>
          <Button loading={create.isPending && create.variables?.delivery === 'print'} onClick={() => submit('print')}>Print</Button>
        </Group>
      </Stack>
    </Paper>
  );
}

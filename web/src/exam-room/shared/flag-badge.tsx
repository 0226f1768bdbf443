import { Badge, Text, type BadgeProps } from '@mantine/core';

/** FHIR observation interpretation codes (v3 ObservationInterpretation) the exam room uses. */
export type InterpretationCode = 'N' | 'L' | 'H' | 'LL' | 'HH' | 'A' | 'AA';

interface FlagLook {
  label: string;
  /** A glyph beside the word, so the flag never depends on colour alone. */
  mark: string;
  color: string;
  variant: BadgeProps['variant'];
  isCritical: boolean;
}

export const flagLooks: Record<InterpretationCode, FlagLook> = {
  N: { label: 'Normal', mark: '✓', color: 'green', variant: 'light', isCritical: false },
  L: { label: 'Low', mark: '▼', color: 'orange', variant: 'light', isCritical: false },
  H: { label: 'High', mark: '▲', color: 'orange', variant: 'light', isCritical: false },
  A: { label: 'Abnormal', mark: '!', color: 'orange', variant: 'light', isCritical: false },
  LL: { label: 'Critically low', mark: '▼▼', color: 'red', variant: 'filled', isCritical: true },
  HH: { label: 'Critically high', mark: '▲▲', color: 'red', variant: 'filled', isCritical: true },
  AA: { label: 'Critical', mark: '!!', color: 'red', variant: 'filled', isCritical: true },
};

export function isInterpretationCode(value: unknown): value is InterpretationCode {
  return typeof value === 'string' && value in flagLooks;
}

/**
 * A reading's flag: word + glyph + colour (normal green, low/high orange, critical red and filled).
 * `label` prefixes a component name, e.g. "Systolic: Critically high".
 */
export function FlagBadge({ interpretation, label, size = 'md' }: { interpretation: string | null | undefined; label?: string; size?: BadgeProps['size'] }) {
  if (!isInterpretationCode(interpretation)) {
    return <Text span size="xs" c="dimmed" data-flag="none">{label ? `${label}: ` : ''}No range to flag</Text>;
  }
  const look = flagLooks[interpretation];
  return (
    <Badge
      size={size}
      color={look.color}
      variant={look.variant}
      tt="none"
      data-flag={interpretation}
      leftSection={<span aria-hidden="true">{look.mark}</span>}
      styles={{ root: { maxWidth: 'none' }, label: { overflow: 'visible' } }}
    >
      {label ? `${label}: ` : ''}{look.label}
    </Badge>
  );
}

/** The red "critical" marker for a patient row (flow board) or a summary heading. */
export function CriticalFlag({ size = 'sm', children = 'Critical vital' }: { size?: BadgeProps['size']; children?: string }) {
  return (
    <Badge size={size} color="red" variant="filled" tt="none" data-testid="critical-flag" leftSection={<span aria-hidden="true">!!</span>} styles={{ root: { maxWidth: 'none' }, label: { overflow: 'visible' } }}>
      {children}
    </Badge>
  );
}

/** Vital-sign reference ranges and alert thresholds as data: a clinic passes its own table, or uses the default. */

/** Completed days, months and years of life on the day of the reading. */
export interface PatientAge {
  readonly days: number;
  readonly months: number;
  readonly years: number;
}

export type AgeLimit = { readonly days: number } | { readonly months: number } | { readonly years: number };

/** Value is low when `< below` (+ `plusPerYearOfAge` × completed years, for PALS' 70 + 2 × age) or `<= atOrBelow`. */
export type LowBound = { readonly below: number; readonly plusPerYearOfAge?: number } | { readonly atOrBelow: number };
/** Value is high when `> above` or `>= atOrAbove`. */
export type HighBound = { readonly above: number } | { readonly atOrAbove: number };

export interface ReferenceRule {
  readonly low?: LowBound;
  readonly high?: HighBound;
  readonly criticalLow?: LowBound;
  readonly criticalHigh?: HighBound;
}

export interface AgeBand {
  /** As the MA would say it after "for": "an adult", "a toddler (1–2 years)". */
  readonly name: string;
  /** The band holds ages under this limit (and not matched by an earlier band); the last band has none. */
  readonly under?: AgeLimit;
  readonly heartRate: ReferenceRule;
  readonly respiratoryRate: ReferenceRule;
  readonly systolic: ReferenceRule;
  readonly diastolic: ReferenceRule;
}

export type TemperatureRoute = 'oral' | 'rectal' | 'axillary' | 'tympanic' | 'temporal';

/** A temperature limit in both units, compared in the unit the reading was taken in (100.0 °F ≈ 37.8 °C). */
export interface TemperatureLimit {
  readonly Cel: number;
  readonly '[degF]': number;
}

export interface VitalThresholds {
  /** Checked in order; the first band whose `under` the patient's age satisfies applies. */
  readonly ageBands: readonly AgeBand[];
  readonly oxygenSaturation: ReferenceRule;
  readonly temperature: {
    readonly feverAtOrAbove: Readonly<Record<TemperatureRoute, TemperatureLimit>>;
    readonly lowBelow: TemperatureLimit;
    readonly criticalLowBelow: TemperatureLimit;
    readonly criticalHighAtOrAbove: TemperatureLimit;
    /** Any fever below this age is critical (immediate provider notification). */
    readonly feverIsCriticalUnder: AgeLimit;
  };
}

/**
 * Default thresholds. Clinics configure these ([volatile] in DOMAIN.md §1.4): pass your own table to
 * each function. Pediatric normal ranges are the AHA PALS 2020 Provider Manual tables (HR awake) with
 * PALS hypotension as the critical low systolic (DOMAIN.md §1.6) [verify against licensed copy];
 * adult ranges DOMAIN.md §1.3 with ACC/AHA 2017 BP cut points; critical limits DOMAIN.md §1.4.
 */
export const DEFAULT_VITAL_THRESHOLDS: VitalThresholds = {
  ageBands: [
    {
      name: 'a newborn (0–28 days)',
      under: { days: 29 },
      heartRate: { low: { below: 100 }, high: { above: 205 } },
      respiratoryRate: { low: { below: 30 }, high: { above: 53 } },
      // PALS hypotension: SBP < 60 in a term neonate.
      systolic: { low: { below: 67 }, high: { above: 84 }, criticalLow: { below: 60 } },
      diastolic: { low: { below: 35 }, high: { above: 53 } },
    },
    {
      name: 'an infant (1–12 months)',
      under: { months: 12 },
      heartRate: { low: { below: 100 }, high: { above: 180 } },
      respiratoryRate: { low: { below: 30 }, high: { above: 53 } },
      // PALS hypotension: SBP < 70 at 1–12 months.
      systolic: { low: { below: 72 }, high: { above: 104 }, criticalLow: { below: 70 } },
      diastolic: { low: { below: 37 }, high: { above: 56 } },
    },
    {
      name: 'a toddler (1–2 years)',
      under: { years: 3 },
      heartRate: { low: { below: 98 }, high: { above: 140 } },
      respiratoryRate: { low: { below: 22 }, high: { above: 37 } },
      // PALS hypotension: SBP < 70 + 2 × age in years, 1–10 years.
      systolic: { low: { below: 86 }, high: { above: 106 }, criticalLow: { below: 70, plusPerYearOfAge: 2 } },
      diastolic: { low: { below: 42 }, high: { above: 63 } },
    },
    {
      name: 'a preschool child (3–5 years)',
      under: { years: 6 },
      heartRate: { low: { below: 80 }, high: { above: 120 } },
      respiratoryRate: { low: { below: 20 }, high: { above: 28 } },
      systolic: { low: { below: 89 }, high: { above: 112 }, criticalLow: { below: 70, plusPerYearOfAge: 2 } },
      diastolic: { low: { below: 46 }, high: { above: 72 } },
    },
    {
      name: 'a school-age child (6–9 years)',
      under: { years: 10 },
      heartRate: { low: { below: 75 }, high: { above: 118 } },
      respiratoryRate: { low: { below: 18 }, high: { above: 25 } },
      systolic: { low: { below: 97 }, high: { above: 115 }, criticalLow: { below: 70, plusPerYearOfAge: 2 } },
      diastolic: { low: { below: 57 }, high: { above: 76 } },
    },
    {
      name: 'a preadolescent (10–11 years)',
      under: { years: 12 },
      // PALS gives school-age HR/RR up to about 11 years.
      heartRate: { low: { below: 75 }, high: { above: 118 } },
      respiratoryRate: { low: { below: 18 }, high: { above: 25 } },
      // PALS hypotension: SBP < 90 from 10 years.
      systolic: { low: { below: 102 }, high: { above: 120 }, criticalLow: { below: 90 } },
      diastolic: { low: { below: 61 }, high: { above: 80 } },
    },
    {
      name: 'an adolescent (12–15 years)',
      under: { years: 16 },
      heartRate: { low: { below: 60 }, high: { above: 100 } },
      respiratoryRate: { low: { below: 12 }, high: { above: 20 } },
      systolic: { low: { below: 110 }, high: { above: 131 }, criticalLow: { below: 90 } },
      diastolic: { low: { below: 64 }, high: { above: 83 } },
    },
    {
      name: 'an adult',
      heartRate: { low: { below: 60 }, high: { above: 100 }, criticalLow: { below: 40 }, criticalHigh: { above: 130 } },
      respiratoryRate: { low: { below: 12 }, high: { above: 20 }, criticalLow: { atOrBelow: 8 }, criticalHigh: { atOrAbove: 30 } },
      // ACC/AHA 2017: normal < 120/< 80; critical ≥ 180 and/or ≥ 120 (DOMAIN.md §1.4); SBP < 90 notify,
      // < 80 escalate (§1.4 gives "< 80–90 with symptoms"; the lower end here).
      systolic: { low: { below: 90 }, high: { atOrAbove: 120 }, criticalLow: { below: 80 }, criticalHigh: { atOrAbove: 180 } },
      diastolic: { high: { atOrAbove: 80 }, criticalHigh: { atOrAbove: 120 } },
    },
  ],
  // SpO2 95–100 % on room air (§1.3); < 90 % critical (§1.4); a known-COPD baseline of 88–92 % is the provider's call.
  oxygenSaturation: { low: { below: 95 }, criticalLow: { below: 90 } },
  temperature: {
    // AAP fever guidance by route (DOMAIN.md §1.5); axillary at the low end of 37.2–37.5 °C since it only screens.
    feverAtOrAbove: {
      rectal: { Cel: 38.0, '[degF]': 100.4 },
      temporal: { Cel: 38.0, '[degF]': 100.4 },
      tympanic: { Cel: 38.0, '[degF]': 100.4 },
      oral: { Cel: 37.8, '[degF]': 100.0 },
      axillary: { Cel: 37.2, '[degF]': 99.0 },
    },
    lowBelow: { Cel: 36.1, '[degF]': 97.0 },
    criticalLowBelow: { Cel: 35.0, '[degF]': 95.0 },
    criticalHighAtOrAbove: { Cel: 40.0, '[degF]': 104.0 },
    // Any fever in an infant under 3 months means immediate provider notification (AAP; DOMAIN.md §1.4–1.5).
    feverIsCriticalUnder: { months: 3 },
  },
};

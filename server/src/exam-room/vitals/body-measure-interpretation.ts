import {
  bmiForAge,
  headCircumferenceForAge,
  infantChartsUntilMonths,
  lengthOrStatureForAge,
  pediatricBmiCategory,
  weightForAge,
  type GrowthPercentile,
  type GrowthSex,
} from '../growth/growth-percentiles.js';
import { classifyAdultBmi } from './bmi.js';
import type { Interpretation } from './interpretation.js';
import type { PatientAge } from './thresholds.js';
import { LOINC } from './vital-codes.js';

/** Below P3 or above P97 of the CDC chart for the child's age and sex is flagged low or high. */
export const GROWTH_FLAG_PERCENTILES = { low: 3, high: 97 } as const;

/** Pain 0–10 (DOMAIN.md §1.4: 7 or more is "notify the provider now"). */
export const PAIN_BANDS = { moderateFrom: 4, severeFrom: 7 } as const;

const ADULT_FROM_YEARS = 20;
const DAYS_PER_MONTH = 30.4375;

const growthSex = (sex: string | null | undefined): GrowthSex | null => (sex === 'male' || sex === 'female' ? sex : null);

function fromPercentile(what: string, chart: string, result: GrowthPercentile): Interpretation {
  const percentile = result.percentile.toFixed(1);
  if (result.percentile < GROWTH_FLAG_PERCENTILES.low) {
    return { code: 'L', isCritical: false, message: `${what} is at the ${percentile}th percentile ${chart} (below the ${GROWTH_FLAG_PERCENTILES.low}rd).` };
  }
  if (result.percentile > GROWTH_FLAG_PERCENTILES.high) {
    return { code: 'H', isCritical: false, message: `${what} is at the ${percentile}th percentile ${chart} (above the ${GROWTH_FLAG_PERCENTILES.high}th).` };
  }
  return { code: 'N', isCritical: false, message: `${what} is at the ${percentile}th percentile ${chart}.` };
}

/** A growth-chart lookup that answers null where the chart does not cover the child's age. */
function onChart(lookup: () => GrowthPercentile): GrowthPercentile | null {
  try {
    return lookup();
  } catch {
    return null;
  }
}

/**
 * Interpretation of BMI, pain and (for children) weight, length/height and head circumference,
 * from the value in its canonical unit (kg, cm, kg/m2, {score}).
 *
 * Null where no reference range applies: an adult's weight or height has no population range
 * (BMI carries that flag), and a child's measure outside the CDC charts' ages is not guessed.
 */
export function interpretBodyMeasure(code: string, value: number, age: PatientAge, sexAtBirth: string | null | undefined): Interpretation | null {
  const sex = growthSex(sexAtBirth);
  const ageMonths = age.days / DAYS_PER_MONTH;
  const isChild = age.years < ADULT_FROM_YEARS;
  switch (code) {
    case LOINC.bmi: {
      if (!isChild) {
        const category = classifyAdultBmi(value);
        const code = category === 'underweight' ? 'L' : category === 'healthy weight' ? 'N' : 'H';
        return { code, isCritical: false, message: `BMI ${value.toFixed(1)} kg/m² is in the adult ${category} range.` };
      }
      if (!sex || age.months < 24) return null;
      const result = onChart(() => bmiForAge({ sex, ageMonths, value }));
      if (!result) return null;
      const category = pediatricBmiCategory(result.percentile);
      const flag = category === 'underweight' ? 'L' : category === 'healthy' ? 'N' : 'H';
      return { code: flag, isCritical: false, message: `BMI is at the ${result.percentile.toFixed(1)}th percentile for age (${category}).` };
    }
    case LOINC.painSeverity: {
      if (value >= PAIN_BANDS.severeFrom) return { code: 'H', isCritical: false, message: `Pain ${value}/10 is severe (${PAIN_BANDS.severeFrom} or more): tell the provider.` };
      if (value >= PAIN_BANDS.moderateFrom) return { code: 'A', isCritical: false, message: `Pain ${value}/10 is moderate.` };
      return { code: 'N', isCritical: false, message: `Pain ${value}/10 is none or mild.` };
    }
    case LOINC.bodyWeight: {
      if (!isChild || !sex) return null;
      const result = onChart(() => weightForAge({ sex, ageMonths, value }));
      return result && fromPercentile('Weight', 'for age', result);
    }
    case LOINC.bodyHeight:
    case LOINC.bodyLength: {
      if (!isChild || !sex) return null;
      const result = onChart(() => lengthOrStatureForAge({ sex, ageMonths, value }));
      return result && fromPercentile(ageMonths < infantChartsUntilMonths ? 'Length' : 'Height', 'for age', result);
    }
    case LOINC.headCircumference: {
      if (!sex || ageMonths >= infantChartsUntilMonths) return null;
      const result = onChart(() => headCircumferenceForAge({ sex, ageMonths, value }));
      return result && fromPercentile('Head circumference', 'for age', result);
    }
    default:
      return null;
  }
}

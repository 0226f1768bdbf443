/** How screening instruments and their bands read on screen (the server decides the band). */
export const screeningNames: Record<string, string> = {
  'phq-2': 'PHQ-2', 'phq-9': 'PHQ-9', 'gad-7': 'GAD-7', 'audit-c': 'AUDIT-C', 'fall-risk': 'Fall risk', tobacco: 'Tobacco',
};

const bandLabels: Record<string, string> = {
  'none-minimal': 'None–minimal', minimal: 'Minimal', mild: 'Mild', moderate: 'Moderate', 'moderately-severe': 'Moderately severe',
  severe: 'Severe', positive: 'Positive', negative: 'Negative', 'at-risk': 'At risk', 'not-at-risk': 'Not at risk',
  current: 'Current smoker', former: 'Former smoker', never: 'Never smoker',
};

export function screeningBandLabel(band: string): string {
  return bandLabels[band] ?? band;
}

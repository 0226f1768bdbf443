import { appointmentDefinition } from '../resources/appointment.resource.js';
import { auditEventDefinition } from '../resources/audit-event.resource.js';
import { locationDefinition, organizationDefinition, practitionerDefinition } from '../resources/directory.resources.js';
import { FhirError } from './operation-outcome.js';
import { patientDefinition } from '../resources/patient.resource.js';
import type { ResourceDefinition } from './resource-definition.js';
import { scheduleDefinition } from '../resources/schedule.resource.js';
import { taskDefinition } from '../resources/task.resource.js';
import { encounterDefinition } from '../resources/encounter.resource.js';
import { allergyIntoleranceDefinition, conditionDefinition, immunizationDefinition, medicationRequestDefinition, medicationStatementDefinition } from '../resources/histories.resources.js';
import { observationDefinition } from '../resources/observation.resource.js';
import { communicationDefinition, documentReferenceDefinition, practitionerRoleDefinition, slotDefinition } from '../resources/stored.resources.js';

/** Every resource type served, in CapabilityStatement order. The CapabilityStatement is generated from this list. */
export const resourceDefinitions: readonly ResourceDefinition[] = [
  patientDefinition, practitionerDefinition, practitionerRoleDefinition, organizationDefinition, locationDefinition, scheduleDefinition, slotDefinition, appointmentDefinition,
  encounterDefinition, observationDefinition, conditionDefinition, allergyIntoleranceDefinition, medicationStatementDefinition, medicationRequestDefinition, immunizationDefinition,
  taskDefinition, communicationDefinition, documentReferenceDefinition, auditEventDefinition,
];

const byType = new Map(resourceDefinitions.map((definition) => [definition.type, definition]));

export function definitionOf(resourceType: string): ResourceDefinition {
  const definition = byType.get(resourceType);
  if (!definition) throw new FhirError(404, 'not-supported', `Resource type ${resourceType.slice(0, 64)} is not served here (see /fhir/R4/metadata).`);
  return definition;
}

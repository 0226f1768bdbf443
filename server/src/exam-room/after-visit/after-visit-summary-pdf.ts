import PDFDocument from 'pdfkit';
import type { AfterVisitLanguage } from '../../../../contracts/exam-room/after-visit.js';
import { summaryLabels } from './after-visit-labels.js';

export interface AfterVisitSummaryContent {
  language: AfterVisitLanguage;
  clinicName: string;
  locationLines: string[];
  patientName: string;
  dateOfBirth: string;
  visitDate: string;
  providerName: string;
  vitals: { name: string; value: string; flag: string }[];
  medications: string[];
  allergyStatus: 'unknown' | 'no-known-drug-allergies' | 'no-known-allergies' | 'has-allergies';
  allergies: string[];
  instructions: { title: string; body: string }[];
  nextAppointment: { date: string; time: string; providerName: string; locationName: string } | null;
}

/** Lays out the after-visit summary (house style of the copay receipt: pdfkit, Letter, Helvetica), every label in the chosen language. */
export function renderAfterVisitSummaryPdf(content: AfterVisitSummaryContent): Promise<Buffer> {
  const labels = summaryLabels[content.language];
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER', margin: 56, info: { Title: labels.title, Author: content.clinicName } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const left = 56;
    const width = 500;

    doc.font('Helvetica-Bold').fontSize(18).text(content.clinicName);
    doc.font('Helvetica').fontSize(10).fillColor('#444');
    for (const line of content.locationLines.filter(Boolean)) doc.text(line);
    doc.moveDown(1).fillColor('#000').font('Helvetica-Bold').fontSize(16).text(labels.title);
    doc.moveDown(0.5);
    const row = (label: string, value: string) => {
      const y = doc.y;
      doc.font('Helvetica').fontSize(11).fillColor('#555').text(label, left, y, { width: 150 });
      doc.font('Helvetica-Bold').fillColor('#000').text(value, left + 160, y, { width: width - 160 });
      doc.moveDown(0.3);
    };
    row(labels.patient, content.patientName);
    row(labels.dateOfBirth, content.dateOfBirth);
    row(labels.visitDate, content.visitDate);
    row(labels.provider, content.providerName);

    const heading = (text: string) => {
      doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('#000').text(text, left, doc.y, { width });
      doc.moveDown(0.3).font('Helvetica').fontSize(11);
    };
    const bullet = (text: string) => doc.font('Helvetica').fontSize(11).fillColor('#000').text(`•  ${text}`, left + 8, doc.y, { width: width - 8 });

    heading(labels.vitals);
    if (content.vitals.length === 0) bullet(labels.noVitals);
    for (const vital of content.vitals) {
      const y = doc.y;
      doc.font('Helvetica').fontSize(11).fillColor('#000').text(vital.name, left + 8, y, { width: 200 });
      doc.font('Helvetica-Bold').text(vital.value, left + 215, y, { width: 140 });
      if (vital.flag) doc.font('Helvetica-Bold').fillColor('#b00020').text(vital.flag, left + 360, y, { width: 140 });
      doc.fillColor('#000').moveDown(0.2);
    }

    heading(labels.medications);
    if (content.medications.length === 0) bullet(labels.noMedications);
    for (const medication of content.medications) bullet(medication);

    heading(labels.allergies);
    if (content.allergies.length > 0) for (const allergy of content.allergies) bullet(allergy);
    else bullet(content.allergyStatus === 'no-known-drug-allergies' ? labels.noKnownDrugAllergies : content.allergyStatus === 'no-known-allergies' ? labels.noKnownAllergies : labels.allergiesUnknown);

    heading(labels.instructions);
    for (const instruction of content.instructions) {
      doc.font('Helvetica-Bold').fontSize(11).text(instruction.title, left, doc.y, { width });
      doc.font('Helvetica').fontSize(11).text(instruction.body, left, doc.y, { width });
      doc.moveDown(0.5);
    }

    heading(labels.nextAppointment);
    if (content.nextAppointment) {
      const next = content.nextAppointment;
      bullet(`${next.date} ${labels.at} ${next.time} ${labels.with} ${next.providerName}, ${next.locationName}`);
    } else {
      bullet(labels.noNextAppointment);
    }
    doc.moveDown(1.5).font('Helvetica').fontSize(9).fillColor('#666').text(labels.footer, left, doc.y, { width });
    doc.end();
  });
}

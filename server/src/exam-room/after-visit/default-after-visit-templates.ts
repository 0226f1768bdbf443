import type { AfterVisitTemplatesTable } from '../exam-room.table.js';

/**
 * The after-visit instructions a clinic starts with, in plain patient language (English and
 * Spanish). Written for Medassist; general self-care advice in the spirit of the CDC's and NIH
 * MedlinePlus patient pages, not copied from them. Each clinic edits its own copies.
 * Keys: ICD-10-CM codes for diagnoses, a short key for procedures, 'general' for everyone.
 */
export interface DefaultAfterVisitTemplate {
  kind: AfterVisitTemplatesTable['kind'];
  key: string;
  language: 'en' | 'es';
  title: string;
  body: string;
}

const lines = (...text: string[]) => text.join('\n');

export const defaultAfterVisitTemplates: readonly DefaultAfterVisitTemplate[] = [
  {
    kind: 'diagnosis', key: 'J06.9', language: 'en', title: 'Common cold (upper respiratory infection)',
    body: lines(
      'You have a cold caused by a virus. Antibiotics do not help a cold.',
      '- Rest and drink plenty of fluids (water, broth, warm tea).',
      '- Honey in warm water can ease a cough (never give honey to a baby under 1 year old).',
      '- Salt-water gargles, saline nose spray and a cool-mist humidifier can help.',
      '- Wash your hands often and cover coughs and sneezes.',
      'Most colds get better in 7 to 10 days.',
      'Call us if you have a fever over 101 °F (38.3 °C) for more than 3 days, symptoms lasting more than 10 days, ear pain, or sinus pain.',
      'Go to the emergency room or call 911 if you have trouble breathing, chest pain, or you are confused or very sleepy.',
    ),
  },
  {
    kind: 'diagnosis', key: 'J06.9', language: 'es', title: 'Resfriado común (infección de las vías respiratorias altas)',
    body: lines(
      'Usted tiene un resfriado causado por un virus. Los antibióticos no curan el resfriado.',
      '- Descanse y tome muchos líquidos (agua, caldo, té tibio).',
      '- La miel en agua tibia puede calmar la tos (nunca le dé miel a un bebé menor de 1 año).',
      '- Hacer gárgaras con agua con sal, usar gotas de agua salina en la nariz y un humidificador de vapor frío puede ayudar.',
      '- Lávese las manos con frecuencia y cúbrase al toser o estornudar.',
      'La mayoría de los resfriados mejoran en 7 a 10 días.',
      'Llámenos si tiene fiebre de más de 101 °F (38.3 °C) por más de 3 días, síntomas por más de 10 días, dolor de oído o dolor en la cara.',
      'Vaya a la sala de emergencias o llame al 911 si le cuesta respirar, tiene dolor en el pecho, o está confundido o muy somnoliento.',
    ),
  },
  {
    kind: 'diagnosis', key: 'I10', language: 'en', title: 'High blood pressure',
    body: lines(
      'High blood pressure often has no symptoms, but over time it can harm your heart, brain and kidneys.',
      '- Take your blood pressure medicine every day, even when you feel well. Do not stop it without talking to us.',
      '- Eat less salt: choose fresh foods and read labels for sodium.',
      '- Eat more vegetables, fruit and whole grains.',
      '- Move your body at least 30 minutes most days, such as a brisk walk.',
      '- Limit alcohol and do not smoke.',
      '- If you check your blood pressure at home, sit quietly for 5 minutes first and write down the numbers. Bring them to your next visit.',
      'Call 911 if your blood pressure is 180/120 or higher and you have chest pain, shortness of breath, weakness or numbness, trouble speaking, or vision changes.',
    ),
  },
  {
    kind: 'diagnosis', key: 'I10', language: 'es', title: 'Presión arterial alta',
    body: lines(
      'La presión arterial alta muchas veces no da síntomas, pero con el tiempo puede dañar el corazón, el cerebro y los riñones.',
      '- Tome su medicina para la presión todos los días, aunque se sienta bien. No la deje sin hablar con nosotros.',
      '- Coma menos sal: prefiera alimentos frescos y revise el sodio en las etiquetas.',
      '- Coma más verduras, frutas y granos integrales.',
      '- Haga actividad física al menos 30 minutos casi todos los días, por ejemplo caminar a paso rápido.',
      '- Tome poco alcohol y no fume.',
      '- Si se toma la presión en casa, siéntese tranquilo 5 minutos antes y anote los números. Tráigalos a su próxima cita.',
      'Llame al 911 si su presión es de 180/120 o más y tiene dolor en el pecho, falta de aire, debilidad o adormecimiento, dificultad para hablar o cambios en la vista.',
    ),
  },
  {
    kind: 'diagnosis', key: 'E11.9', language: 'en', title: 'Type 2 diabetes',
    body: lines(
      'Diabetes means there is too much sugar in your blood. Good control protects your eyes, kidneys, nerves and heart.',
      '- Take your diabetes medicine as prescribed.',
      '- If you check your blood sugar at home, write down the numbers and bring them to your visits.',
      '- Eat regular meals. Fill half your plate with vegetables; choose water instead of sugary drinks.',
      '- Be active most days; a walk after meals helps lower blood sugar.',
      '- Look at your feet every day for cuts, blisters or sores.',
      '- Get a yearly eye exam and keep your lab appointments.',
      'Low blood sugar (shaky, sweaty, confused): take 15 grams of fast sugar, such as 4 ounces of juice, then check again in 15 minutes.',
      'Call us if your blood sugar is often over 300, or you are very thirsty, urinating a lot, or vomiting.',
    ),
  },
  {
    kind: 'diagnosis', key: 'E11.9', language: 'es', title: 'Diabetes tipo 2',
    body: lines(
      'La diabetes significa que hay demasiada azúcar en la sangre. Un buen control protege los ojos, los riñones, los nervios y el corazón.',
      '- Tome su medicina para la diabetes como se la recetaron.',
      '- Si se mide el azúcar en casa, anote los números y tráigalos a sus citas.',
      '- Coma a sus horas. Llene la mitad del plato con verduras; tome agua en lugar de bebidas azucaradas.',
      '- Manténgase activo casi todos los días; caminar después de comer ayuda a bajar el azúcar.',
      '- Revise sus pies todos los días para ver si hay cortaduras, ampollas o llagas.',
      '- Hágase un examen de la vista cada año y no falte a sus análisis de laboratorio.',
      'Azúcar baja (temblor, sudor, confusión): tome 15 gramos de azúcar rápida, como 4 onzas de jugo, y vuelva a medirse en 15 minutos.',
      'Llámenos si su azúcar está muchas veces por encima de 300, o si tiene mucha sed, orina mucho o tiene vómitos.',
    ),
  },
  {
    kind: 'procedure', key: 'influenza-vaccine', language: 'en', title: 'After your flu shot',
    body: lines(
      'You received a flu vaccine today. It takes about 2 weeks to protect you.',
      '- A sore arm, mild fever, headache or tiredness for a day or two is common and goes away on its own.',
      '- A cool cloth on the arm and moving the arm can ease soreness. You may take acetaminophen or ibuprofen if it is safe for you.',
      '- The flu shot cannot give you the flu.',
      'Call 911 right away if you have trouble breathing, swelling of the face or throat, hives, a fast heartbeat, dizziness or weakness. These are signs of a rare allergic reaction and usually start within minutes to a few hours.',
      'Get a flu vaccine every year.',
    ),
  },
  {
    kind: 'procedure', key: 'influenza-vaccine', language: 'es', title: 'Después de su vacuna contra la gripe',
    body: lines(
      'Hoy recibió la vacuna contra la gripe (influenza). Tarda unas 2 semanas en protegerle.',
      '- Es común tener el brazo adolorido, un poco de fiebre, dolor de cabeza o cansancio por uno o dos días. Se quita solo.',
      '- Un paño frío en el brazo y mover el brazo pueden aliviar el dolor. Puede tomar acetaminofén o ibuprofeno si son seguros para usted.',
      '- La vacuna no le puede dar gripe.',
      'Llame al 911 de inmediato si le cuesta respirar, se le hinchan la cara o la garganta, tiene ronchas, el corazón late muy rápido, mareo o debilidad. Son señales de una alergia poco común y suelen empezar en minutos o pocas horas.',
      'Vacúnese contra la gripe cada año.',
    ),
  },
  {
    kind: 'general', key: 'general', language: 'en', title: 'General instructions',
    body: lines(
      'Thank you for visiting us today.',
      '- Take your medicines as listed on this summary. Bring all your medicine bottles to your next visit.',
      '- If you have questions or your symptoms get worse, call the clinic.',
      'If you think you have an emergency, call 911 or go to the nearest emergency room.',
    ),
  },
  {
    kind: 'general', key: 'general', language: 'es', title: 'Indicaciones generales',
    body: lines(
      'Gracias por visitarnos hoy.',
      '- Tome sus medicinas como aparecen en este resumen. Traiga todos sus frascos de medicinas a su próxima cita.',
      '- Si tiene preguntas o sus síntomas empeoran, llame a la clínica.',
      'Si cree que tiene una emergencia, llame al 911 o vaya a la sala de emergencias más cercana.',
    ),
  },
];

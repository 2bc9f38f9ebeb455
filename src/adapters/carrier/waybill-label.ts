// A printable 100 x 150 mm thermal label (the size Chinese e-waybills use) as SVG: sort code,
// a Code 128 barcode from bwip-js, the receiver masked as privacy waybills print it, the sender,
// the items and the piece number. Text is escaped; CJK fonts come from the printer's system.
import bwipjs from 'bwip-js/node';
import { maskName, maskPhone } from '../../errors/mask.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { Address } from '../../model/address.js';
import type { WaybillItem, WaybillPrintData } from '../../ports/carrier-port.js';

/** What goes on one label. */
export interface WaybillLabelInput {
  readonly carrier: string;
  readonly waybillNo: string;
  readonly sortCode?: string;
  readonly service?: string;
  readonly orderId: string;
  readonly receiver: Address;
  readonly sender: Address;
  readonly items: readonly WaybillItem[];
  readonly weightGrams: number;
  /** For a multi-piece shipment: this piece (1-based), the count and the parent's number. */
  readonly piece?: { readonly index: number; readonly of: number; readonly parentWaybillNo: string };
}

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

function addressLine(address: Address): string {
  return [address.province, address.city, address.district, address.street].filter((part) => part !== undefined && part !== '').join(' ');
}

/** Splits text into lines of at most `width` characters (CJK counts double). */
function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const char of text) {
    const w = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/.test(char) ? 2 : 1;
    if (used + w > width) {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += char;
    used += w;
  }
  if (line !== '') lines.push(line);
  return lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `${(lines[maxLines - 1] as string).slice(0, -1)}…`] : lines;
}

/** The barcode as an SVG fragment placed at (x, y) with the given size, in label units. */
function barcode(text: string, x: number, y: number, width: number, height: number): string {
  const svg = bwipjs.toSVG({ bcid: 'code128', text, height: 15, includetext: false, paddingwidth: 0, paddingheight: 0 });
  const viewBox = /viewBox="([^"]+)"/.exec(svg)?.[1] ?? '0 0 100 100';
  const body = svg.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg x="${x}" y="${y}" width="${width}" height="${height}" viewBox="${viewBox}" preserveAspectRatio="none">${body}</svg>`;
}

/** Renders the label; units are tenths of a millimetre (viewBox 1000 x 1500). */
export function renderWaybillLabel(input: WaybillLabelInput): WaybillPrintData {
  const given = (typeof input === 'object' && input !== null ? input : {}) as Partial<WaybillLabelInput>;
  const missing = (['carrier', 'waybillNo', 'orderId'] as const).filter((key) => typeof given[key] !== 'string' || given[key] === '');
  const problems = [
    ...missing.map((key) => ({ code: 'invalid_type', path: [key], message: 'Expected text' })),
    ...(['receiver', 'sender'] as const).filter((key) => typeof given[key] !== 'object' || given[key] === null).map((key) => ({ code: 'invalid_type', path: [key], message: 'Expected an address' })),
    ...(Array.isArray(given.items) ? [] : [{ code: 'invalid_type', path: ['items'], message: 'Expected the items' }]),
    ...(typeof given.weightGrams === 'number' && given.weightGrams >= 0 ? [] : [{ code: 'invalid_type', path: ['weightGrams'], message: 'Expected a weight in grams' }]),
  ];
  if (problems.length > 0) throw new ValidationError('waybill label', problems);
  const t = (x: number, y: number, size: number, text: string, weight = 'normal', anchor = 'start'): string =>
    `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}">${escapeXml(text)}</text>`;
  const receiverName = maskName(input.receiver.recipient ?? '');
  const receiverPhone = input.receiver.phone === undefined ? '' : maskPhone(input.receiver.phone);
  const senderPhone = input.sender.phone === undefined ? '' : maskPhone(input.sender.phone);
  const parts: string[] = [];
  parts.push(`<rect x="5" y="5" width="990" height="1490" fill="#fff" stroke="#000" stroke-width="4"/>`);
  parts.push(t(30, 80, 56, input.carrier, 'bold'));
  if (input.service !== undefined) parts.push(t(970, 80, 40, input.service, 'normal', 'end'));
  parts.push(`<line x1="5" y1="110" x2="995" y2="110" stroke="#000" stroke-width="3"/>`);
  parts.push(t(500, 230, 110, input.sortCode ?? '', 'bold', 'middle'));
  parts.push(`<line x1="5" y1="270" x2="995" y2="270" stroke="#000" stroke-width="3"/>`);
  parts.push(barcode(input.waybillNo, 80, 300, 840, 200));
  parts.push(t(500, 560, 44, input.waybillNo, 'bold', 'middle'));
  if (input.piece !== undefined) parts.push(t(970, 610, 36, `${input.piece.index}/${input.piece.of}  parent ${input.piece.parentWaybillNo}`, 'normal', 'end'));
  parts.push(`<line x1="5" y1="630" x2="995" y2="630" stroke="#000" stroke-width="3"/>`);
  parts.push(t(30, 690, 40, 'TO 收', 'bold'));
  parts.push(t(170, 690, 44, `${receiverName}  ${receiverPhone}`, 'bold'));
  wrap(addressLine(input.receiver), 40, 3).forEach((line, i) => parts.push(t(170, 750 + i * 52, 40, line)));
  parts.push(`<line x1="5" y1="920" x2="995" y2="920" stroke="#000" stroke-width="2"/>`);
  parts.push(t(30, 975, 32, 'FROM 寄', 'bold'));
  parts.push(t(190, 975, 32, `${input.sender.recipient ?? ''}  ${senderPhone}`));
  wrap(addressLine(input.sender), 48, 2).forEach((line, i) => parts.push(t(190, 1020 + i * 40, 30, line)));
  parts.push(`<line x1="5" y1="1110" x2="995" y2="1110" stroke="#000" stroke-width="2"/>`);
  const items = input.items.map((item) => `${item.name ?? item.sku} x${item.quantity}`).join('; ');
  wrap(items, 56, 4).forEach((line, i) => parts.push(t(30, 1165 + i * 40, 30, line)));
  parts.push(t(30, 1440, 30, `Order ${input.orderId}`));
  parts.push(t(970, 1440, 30, `${(input.weightGrams / 1000).toFixed(2)} kg`, 'normal', 'end'));
  const content = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="150mm" viewBox="0 0 1000 1500" font-family="'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'DejaVu Sans', sans-serif">
${parts.join('\n')}
</svg>
`;
  return { contentType: 'image/svg+xml', content, widthMm: 100, heightMm: 150 };
}

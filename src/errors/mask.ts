// Masks personal data before it reaches an error message, a log line or audit text.

/** Kinds of personal data Ordo knows how to mask. */
export type PersonalDataKind = 'phone' | 'idNumber' | 'name' | 'address' | 'email' | 'generic';

/**
 * Masks a phone number, keeping the first three and last four digits.
 * @example maskPhone('+8613812345678') // '+86138****5678'
 */
export function maskPhone(value: string): string {
  const digits = [...value].filter((c) => c >= '0' && c <= '9').length;
  if (digits <= 4) return '*'.repeat(value.length);
  let seen = 0;
  const keepHead = digits >= 11 ? (value.startsWith('+') ? 5 : 3) : 2;
  return [...value]
    .map((c) => {
      if (c < '0' || c > '9') return c;
      seen += 1;
      return seen <= keepHead || seen > digits - 4 ? c : '*';
    })
    .join('');
}

/**
 * Masks an identity number, keeping the first and last two characters.
 * @example maskIdNumber('11010519491231002X') // '11**************2X'
 */
export function maskIdNumber(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return value.slice(0, 2) + '*'.repeat(value.length - 4) + value.slice(-2);
}

/**
 * Masks a personal name, keeping the first character.
 * @example maskName('张三丰') // '张**'
 */
export function maskName(value: string): string {
  const chars = [...value.trim()];
  if (chars.length === 0) return '';
  return chars[0] + chars.slice(1).map((c) => (c === ' ' ? ' ' : '*')).join('');
}

/**
 * Masks a street address, keeping its first four characters (usually the province or city).
 * @example maskAddress('浙江省杭州市西湖区文三路 100 号') // '浙江省杭*************'
 */
export function maskAddress(value: string): string {
  const chars = [...value];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return chars.slice(0, 4).join('') + '*'.repeat(Math.min(chars.length - 4, 12));
}

/**
 * Masks an email's local part, keeping its first character and the domain.
 * @example maskEmail('li.lei@example.com') // 'l*****@example.com'
 */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskIdNumber(value);
  return value[0] + '*'.repeat(Math.max(at - 1, 1)) + value.slice(at);
}

/** Masks a value of the given kind; `generic` keeps only the length visible. */
export function maskPersonalData(value: string, kind: PersonalDataKind): string {
  switch (kind) {
    case 'phone':
      return maskPhone(value);
    case 'idNumber':
      return maskIdNumber(value);
    case 'name':
      return maskName(value);
    case 'address':
      return maskAddress(value);
    case 'email':
      return maskEmail(value);
    case 'generic':
      return '*'.repeat(Math.min([...value].length, 8));
  }
}

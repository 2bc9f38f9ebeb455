// The two-digit region prefixes a Chinese resident ID may start with (GB/T 2260 provinces).

/**
 * Province-level codes of GB/T 2260 plus 71 (Taiwan), 81 (Hong Kong), 82 (Macao) and 83 (the
 * residence permits for Taiwan residents). This is a "known region" check at province level
 * only: the full six-digit county table changes yearly and old IDs keep retired codes, so
 * county codes are not checked. The 9x prefixes of foreigners' permanent residence IDs are not
 * resident IDs and are left out; pass your own list through the options to accept them.
 */
export const CN_ID_REGION_PREFIXES: readonly string[] = Object.freeze([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

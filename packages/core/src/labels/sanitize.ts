/** Longest label value kept; longer values are cut (names are for people, not payloads). */
export const MAX_LABEL_LENGTH = 128;

/** Characters kept in free-form values; everything else (quotes, newlines, control, non-ASCII) becomes `_`. */
const UNSAFE = /[^A-Za-z0-9._~:/@+-]/g;

/**
 * Makes any network-supplied string safe as a label value: ASCII-only, no characters that need escaping in
 * any exposition format, bounded length. Returns undefined for values that are not strings or numbers.
 */
export function sanitizeLabelValue(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return undefined;
  if (text.length > MAX_LABEL_LENGTH) text = text.slice(0, MAX_LABEL_LENGTH);
  text = text.replace(UNSAFE, '_');
  return text.length === 0 ? '_empty' : text;
}

/**
 * Text from the database (names, districts, rule names, problem reports) on
 * its way to a terminal: control characters could move the cursor, rewrite
 * earlier lines or change colours, and bidirectional overrides could show a
 * name reversed or hide part of a line. Such characters are written as
 * \uXXXX escapes, which keeps JSON output valid JSON.
 */

/** C0 controls except tab and line feed, DEL, C1 controls, and the bidi marks, embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, and tab, line feed and the Unicode line separators: for one field inside a line. */
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A whole output (lines and tab-separated columns kept). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** One value inside a line of output: it cannot start a new line or column either. */
export function field(value: string | null | undefined): string {
  return (value ?? '').replace(UNSAFE_IN_FIELD, escape);
}

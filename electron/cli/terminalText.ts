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

/** East Asian wide characters (CJK ideographs, kana, Hangul, full-width forms): two columns of a terminal each. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/gu;

/** How many terminal columns `text` takes (a Chinese character two). */
export function displayWidth(text: string): number {
  return text.length + (text.match(WIDE)?.length ?? 0);
}

export function hasWide(text: string): boolean {
  return displayWidth(text) !== text.length;
}

/** `text` padded with spaces to `width` columns, on the right (padEnd) or the left (padStart). */
export function padColumns(text: string, width: number, side: 'end' | 'start' = 'end'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return side === 'end' ? text + fill : fill + text;
}

/** Punctuation a line may not start with in Chinese typesetting: it stays with the character before it. */
const CLOSING = /^[，。；：、）」』！？…”’]+$/u;

/**
 * Lines of at most `width` columns: Latin words kept whole, Chinese text
 * broken between any two characters, never before a comma or a closing
 * bracket (the character before it moves down with it). Existing line breaks
 * are kept; only a single word longer than `width` overruns.
 */
export function wrapColumns(text: string, width: number): string {
  const out: string[] = [];
  const pattern = new RegExp(`${WIDE.source}|[^\\s${WIDE.source.slice(1, -1)}]+|\\s+`, 'gu');
  for (const paragraph of text.split(/\r?\n/)) {
    let line: string[] = [];
    const flush = () => {
      out.push(line.join('').trimEnd());
      line = [];
    };
    for (const token of paragraph.match(pattern) ?? []) {
      const space = /^\s+$/.test(token);
      if (line.length === 0) {
        if (!space) line.push(token);
      } else if (displayWidth([...line, token].join('')) <= width) line.push(token);
      else if (space) flush();
      else if (CLOSING.test(token)) {
        // The character before goes down with it; a line of one word keeps it, overrunning.
        if (line.length > 1 && !/^\s+$/.test(line[line.length - 1])) {
          const carried = line.pop()!;
          flush();
          line = [carried, token];
        } else line.push(token);
      } else {
        flush();
        line = [token];
      }
    }
    flush();
  }
  return out.join('\n');
}

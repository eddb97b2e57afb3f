/**
 * The page layout of printed documents (the score disclosure): an A4 page
 * with a title, sections, paragraphs, label/value lists and tables that break
 * across pages (repeating their header), and a footer on every page. Text
 * stays text, so a screen reader or `pdftotext` reads it: in the standard PDF
 * fonts (Windows-1252, nothing embedded) or, for Chinese and any other text
 * they cannot print, in Noto Sans SC (regular and bold), embedded as a subset
 * of the glyphs used.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type PDFDocument from 'pdfkit';

/**
 * pdfkit (with its font and compression libraries) is loaded on the first PDF,
 * not at start-up: every command-line run would otherwise pay for it.
 */
let pdfkit: typeof PDFDocument | undefined;
function PDFDocumentClass(): typeof PDFDocument {
  pdfkit ??= createRequire(import.meta.url)('pdfkit') as typeof PDFDocument;
  return pdfkit;
}

interface FontFiles {
  regular: Buffer;
  bold: Buffer;
  /** Whether the embedded font has a glyph for a code point (both weights cover the same characters). */
  hasGlyph: (codePoint: number) => boolean;
}

let fontFiles: FontFiles | undefined;
/** Noto Sans SC from @embedpdf/fonts-sc, read and parsed once per process (the packaged app ships these two weights only). */
function unicodeFonts(): FontFiles {
  if (!fontFiles) {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
    const regular = readFileSync(join(dir, 'NotoSansHans-Regular.otf'));
    const bold = readFileSync(join(dir, 'NotoSansHans-Bold.otf'));
    // fontkit is pdfkit's own font parser: taken from where pdfkit finds it.
    const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create: (data: Buffer) => { hasGlyphForCodePoint: (cp: number) => boolean } };
    const font = fontkit.create(regular);
    fontFiles = { regular, bold, hasGlyph: (cp) => font.hasGlyphForCodePoint(cp) };
  }
  return fontFiles;
}

/** Text the embedded Unicode font can print: characters it has no glyph for become '?', and `changed` says so. */
export function printableUnicode(text: string): { text: string; changed: boolean } {
  const { hasGlyph } = unicodeFonts();
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\n' || (cp >= 0x20 && hasGlyph(cp))) out += ch;
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => hasGlyph(c.codePointAt(0)!)) ? base : '?';
    }
  }
  return { text: out, changed: out !== text.normalize('NFC') };
}

const MARGIN = 56;
const BODY = 10;
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#999999';
const SHADE = '#eeeeee';

/** Characters of Windows-1252 above Latin-1 that the standard fonts can print. */
const CP1252_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';

function printableChar(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.includes(ch);
}

/**
 * Text the standard fonts can print: the fonts only cover Windows-1252, and
 * pdfkit prints anything else as garbage. Accented letters lose their accent
 * (Zhāng -> Zhang); other characters become '?'. `changed` tells the caller
 * to say so next to a name, since the printed name then differs from the record.
 */
export function printable(text: string): { text: string; changed: boolean } {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (ch === '\n') out += ch;
    else if (printableChar(ch)) out += ch;
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base && [...base].every(printableChar) ? base : '?';
    }
  }
  return { text: out, changed: out !== text.normalize('NFC') };
}


export interface Column {
  header: string;
  /** Share of the content width. */
  width: number;
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Rows (by index) set in bold: totals. */
  bold?: Set<number>;
  /** Rows (by index) on a grey ground: the one that matters most. */
  shade?: Set<number>;
}

export class PrintedDocument {
  private readonly doc: PDFKit.PDFDocument;
  private readonly left = MARGIN;
  private readonly width: number;
  private embedded = false;
  private readonly embedAll: boolean;

  /**
   * `embedAll`: every text in the embedded font (a Chinese document: one face
   * for Chinese and Latin keeps them on one baseline); otherwise only the
   * texts the standard fonts cannot print.
   */
  constructor(info: { title: string; author: string; subject: string; createdAt: Date; language?: string }, options: { embedAll?: boolean } = {}) {
    this.embedAll = options.embedAll ?? false;
    this.doc = new (PDFDocumentClass())({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN },
      bufferPages: true,
      lang: info.language,
      // The document information is metadata, not drawn: it keeps every character.
      info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: 'Credence', CreationDate: info.createdAt },
    });
    this.width = this.doc.page.width - 2 * MARGIN;
    this.doc.font('Helvetica').fontSize(BODY).fillColor(INK);
  }

  /**
   * `text` as this document prints it, and whether that differs from it:
   * in the standard fonts when they print it whole, else in the embedded font.
   */
  printable(text: string): { text: string; changed: boolean; embedded: boolean } {
    const standard = this.embedAll ? null : printable(text);
    if (standard && !standard.changed) return { ...standard, embedded: false };
    return { ...printableUnicode(text), embedded: true };
  }

  /** Select the font that prints `text` (regular or bold) and return the text as printed. */
  private face(text: string, bold = false): string {
    const fitted = this.printable(text);
    if (fitted.embedded && !this.embedded) {
      const files = unicodeFonts();
      this.doc.registerFont('NotoSansSC', files.regular);
      this.doc.registerFont('NotoSansSC-Bold', files.bold);
      this.embedded = true;
    }
    this.doc.font(fitted.embedded ? (bold ? 'NotoSansSC-Bold' : 'NotoSansSC') : bold ? 'Helvetica-Bold' : 'Helvetica');
    return fitted.text;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Start a new page unless `height` points still fit on this one (a block that must not be split). */
  ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  title(text: string, subtitle: string): void {
    this.doc.fontSize(20).fillColor(INK).text(this.face(text, true), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
    this.doc.fontSize(BODY).fillColor(MUTED).text(this.face(subtitle), { width: this.width });
    this.doc.moveDown(0.4);
    this.line(1.2);
    this.doc.moveDown(0.6);
  }

  private line(weight = 0.5): void {
    const y = this.doc.y;
    this.doc.save().lineWidth(weight).strokeColor(weight > 1 ? INK : RULE).moveTo(this.left, y).lineTo(this.left + this.width, y).stroke().restore();
  }

  /**
   * A section heading, kept on the same page as the first `keepWithNext`
   * points of what follows (a few lines by default; a whole short section
   * when the caller measured it and it fits on a page).
   */
  heading(text: string, keepWithNext = 40): void {
    const usable = this.bottom - this.doc.page.margins.top;
    this.ensureSpace(Math.min(usable, 34 + keepWithNext));
    this.doc.moveDown(0.8);
    this.doc.fontSize(12.5).fillColor(INK).text(this.face(text, true), this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.15);
    this.line();
    this.doc.moveDown(0.45);
    this.doc.font('Helvetica').fontSize(BODY);
  }

  /** The height a paragraph() of `text` takes. */
  paragraphHeight(text: string, options: { bold?: boolean; indent?: number } = {}): number {
    const printed = this.face(text, options.bold);
    this.doc.fontSize(BODY);
    return this.doc.heightOfString(printed, { width: this.width - (options.indent ?? 0), lineGap: 1.5 }) + BODY * 0.35 * 1.2;
  }

  paragraph(text: string, options: { bold?: boolean; muted?: boolean; indent?: number } = {}): void {
    const indent = options.indent ?? 0;
    const printed = this.face(text, options.bold);
    this.doc
      .fontSize(BODY)
      .fillColor(options.muted ? MUTED : INK)
      .text(printed, this.left + indent, this.doc.y, { width: this.width - indent, lineGap: 1.5 });
    this.doc.moveDown(0.35).fillColor(INK);
  }

  /** A bulleted item: the bullet hangs in the margin of the text block. */
  bullet(text: string): void {
    this.ensureSpace(BODY * 2);
    const y = this.doc.y;
    this.doc.fontSize(BODY).fillColor(INK).text(this.face('•'), this.left + 4, y, { width: 10, lineBreak: false });
    this.doc.text(this.face(text), this.left + 16, y, { width: this.width - 16, lineGap: 1.5 });
    this.doc.moveDown(0.25);
  }

  /** Label/value pairs in two columns. */
  fields(pairs: [string, string][]): void {
    const labelWidth = 130;
    for (const [label, value] of pairs) {
      const text = this.face(value);
      const h = this.doc.fontSize(BODY).heightOfString(text, { width: this.width - labelWidth });
      this.ensureSpace(h + 4);
      const y = this.doc.y;
      this.doc.fillColor(MUTED).text(this.face(label), this.left, y, { width: labelWidth - 8 });
      this.doc.fillColor(INK).text(this.face(value), this.left + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = Math.max(this.doc.y, y + h) + 3;
    }
    this.doc.x = this.left;
  }

  /** The score, large, in a shaded box, with the tier (bold) and what the score means next to it. */
  scoreBox(score: string, tier: string, lines: string[]): void {
    const lineHeight = 14;
    const height = Math.max(70, 20 + lineHeight * (lines.length + 1));
    this.ensureSpace(height + 12);
    const y = this.doc.y;
    this.doc.save().rect(this.left, y, this.width, height).fill(SHADE).restore();
    this.doc.fontSize(30).fillColor(INK).text(this.face(score, true), this.left + 14, y + (height - 30) / 2, { width: 150, lineBreak: false });
    let ly = y + (height - lineHeight * (lines.length + 1)) / 2;
    this.doc.fontSize(BODY + 2).text(this.face(tier, true), this.left + 180, ly, { width: this.width - 194, lineBreak: false });
    this.doc.fontSize(BODY);
    for (const l of lines) {
      ly += lineHeight;
      this.doc.text(this.face(l), this.left + 180, ly + 1, { width: this.width - 194, lineBreak: false });
    }
    this.doc.x = this.left;
    this.doc.y = y + height + 12;
  }

  /** Measure a table's rows now; each is drawn later at a given y. */
  private layoutTable(columns: Column[], rows: string[][], options: TableOptions) {
    const widths = columns.map((c) => c.width * this.width);
    const pad = 5;
    const layoutRow = (cells: string[], bold: boolean, shade: boolean, isHeader = false) => {
      const h = Math.max(...cells.map((c, i) => this.doc.fontSize(BODY - 0.5).heightOfString(this.face(c, bold), { width: widths[i] - 2 * pad }))) + 2 * pad;
      const draw = (y: number) => {
        if (shade) this.doc.save().rect(this.left, y, this.width, h).fill(SHADE).restore();
        this.doc.fontSize(BODY - 0.5).fillColor(INK);
        let x = this.left;
        cells.forEach((c, i) => {
          this.doc.text(this.face(c, bold), x + pad, y + pad, { width: widths[i] - 2 * pad, align: columns[i].align ?? 'left' });
          x += widths[i];
        });
        this.doc.save().lineWidth(isHeader ? 0.9 : 0.3).strokeColor(isHeader ? INK : RULE).moveTo(this.left, y + h).lineTo(this.left + this.width, y + h).stroke().restore();
      };
      return { h, draw };
    };
    const header = layoutRow(columns.map((c) => c.header), true, false, true);
    const body = rows.map((cells, index) => layoutRow(cells, options.bold?.has(index) ?? false, options.shade?.has(index) ?? false));
    return { header, body, height: header.h + body.reduce((sum, r) => sum + r.h, 0) };
  }

  /** The height a table() of these rows takes (unbroken). */
  tableHeight(columns: Column[], rows: string[][], options: TableOptions = {}): number {
    return this.layoutTable(columns, rows, options).height + BODY * 0.6 * 1.2;
  }

  /** A table; rows in `bold` are set in bold (totals). Long tables continue on the next page under a repeated header. */
  table(columns: Column[], rows: string[][], options: TableOptions = {}): void {
    const { header, body, height } = this.layoutTable(columns, rows, options);
    const put = (row: { h: number; draw: (y: number) => void }) => {
      const y = this.doc.y;
      row.draw(y);
      this.doc.y = y + row.h;
    };
    // A table that fits on one page is not split: it starts on the next page instead.
    if (height <= this.bottom - this.doc.page.margins.top) this.ensureSpace(height);
    else this.ensureSpace(header.h + (body[0]?.h ?? 0));
    put(header);
    for (const row of body) {
      if (this.doc.y + row.h > this.bottom) {
        this.doc.addPage();
        put(header);
      }
      put(row);
    }
    this.doc.x = this.left;
    this.doc.font('Helvetica').fontSize(BODY).moveDown(0.6);
  }

  /** Write `footer(page, pages)` at the foot of every page and return the finished PDF. */
  finish(footer: (page: number, pages: number) => string): Buffer {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      // Text below the bottom margin would make pdfkit open a new page: lift the margin while writing the footer.
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      const y = this.doc.page.height - MARGIN + 10;
      this.doc.save().lineWidth(0.3).strokeColor(RULE).moveTo(this.left, y - 6).lineTo(this.left + this.width, y - 6).stroke().restore();
      const text = this.face(footer(i - range.start + 1, range.count));
      this.doc.fontSize(8).fillColor(MUTED).text(text, this.left, y, { width: this.width, align: 'center', lineBreak: false });
      this.doc.page.margins.bottom = bottom;
    }
    this.doc.end();
    // pdfkit writes synchronously into its readable side: after end() the whole file is buffered.
    const chunks: Buffer[] = [];
    for (let chunk = this.doc.read() as Buffer | null; chunk !== null; chunk = this.doc.read() as Buffer | null) chunks.push(chunk);
    const pdf = Buffer.concat(chunks);
    if (!pdf.subarray(-16).toString('latin1').includes('%%EOF')) throw new Error('the PDF was not completely written');
    return pdf;
  }
}

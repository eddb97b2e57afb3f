/**
 * Reads a PDF back as a reader would, with pdf.js (pure JavaScript, so the unit
 * tests need no system package): its pages, their size, the text of each page in
 * layout order (text runs on one baseline joined into one line, lines top to
 * bottom, as `pdftotext -layout` would give them) and how much each page draws.
 */
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfPage {
  /** Page size in points. */
  width: number;
  height: number;
  /** The page's text, one line per baseline, top to bottom. */
  lines: string[];
  /** Drawing operations that put ink on the page (text shown, paths filled or stroked, images). */
  inkOps: number;
}

export interface PdfDocument {
  pages: PdfPage[];
  /** Every page's lines, whitespace runs folded to one space. */
  text: string;
}

const INK = new Set<number>([
  OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText,
  OPS.fill, OPS.eoFill, OPS.stroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeStroke,
  OPS.closeFillStroke, OPS.closeEOFillStroke, OPS.constructPath, OPS.paintImageXObject, OPS.paintInlineImageXObject,
]);

interface Run { x: number; y: number; str: string; hasEOL: boolean }

/** Group text runs into lines by their baseline (within a third of a point), left to right. */
function layoutLines(runs: Run[]): string[] {
  const lines: { y: number; runs: Run[] }[] = [];
  for (const run of runs) {
    if (run.str === '') continue;
    const line = lines.find((l) => Math.abs(l.y - run.y) < 0.35);
    if (line) line.runs.push(run);
    else lines.push({ y: run.y, runs: [run] });
  }
  return lines
    .sort((a, b) => b.y - a.y)
    .map((l) => l.runs.sort((a, b) => a.x - b.x).map((r) => r.str).join(' ').replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
}

export async function readPdf(pdf: Uint8Array): Promise<PdfDocument> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view;
      const content = await page.getTextContent();
      const runs: Run[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        runs.push({ x: item.transform[4] as number, y: item.transform[5] as number, str: item.str, hasEOL: item.hasEOL });
      }
      const ops = await page.getOperatorList();
      const inkOps = ops.fnArray.filter((fn) => INK.has(fn)).length;
      pages.push({ width: x1 - x0, height: y1 - y0, lines: layoutLines(runs), inkOps });
      page.cleanup();
    }
    const text = pages.map((p) => p.lines.join('\n')).join('\n').replace(/\s+/g, ' ');
    return { pages, text };
  } finally {
    await doc.destroy();
  }
}

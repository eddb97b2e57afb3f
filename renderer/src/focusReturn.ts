/**
 * Where the keyboard focus goes when a dialog closes. Mantine gives it back
 * to the control that opened the dialog; when the action removed or disabled
 * that control (the "Dispute" button of an event that is now disputed, the
 * "Propose" button once proposed), the focus would fall to the page body and
 * a keyboard or screen-reader user would have to start the page over. This
 * keeper moves it instead to the nearest surviving place around that control:
 * its table row, its card, its section.
 */

interface Origin {
  control: HTMLElement;
  /** Ancestors of the control when it had the focus, nearest first. */
  around: HTMLElement[];
}

/** Ancestors worth landing on, in order of preference. */
const LANDING = '[data-focus-return], tr, [role="region"], section, .mantine-Card-root, .mantine-Paper-root, main';

const usable = (el: HTMLElement): boolean => el.isConnected && !el.matches(':disabled, [aria-disabled="true"]') && el.getClientRects().length > 0;

function land(origin: Origin): void {
  if (usable(origin.control)) return origin.control.focus();
  const alive = origin.around.filter((a) => a.isConnected);
  const target = alive.find((a) => a.matches(LANDING)) ?? alive[0];
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus();
}

/** Install once, at start-up. */
export function keepFocusAfterDialogs(doc: Document = document): void {
  let origin: Origin | null = null;
  let dialogWasOpen = false;
  doc.addEventListener('focusin', (e) => {
    const el = e.target;
    if (!(el instanceof HTMLElement) || el === doc.body) return;
    if (el.closest('[role="dialog"]')) return;
    const around: HTMLElement[] = [];
    for (let a = el.parentElement; a && a !== doc.body; a = a.parentElement) around.push(a);
    origin = { control: el, around };
  });
  new MutationObserver(() => {
    const open = doc.querySelector('[role="dialog"]') !== null;
    if (open) {
      dialogWasOpen = true;
      return;
    }
    if (!dialogWasOpen) return;
    dialogWasOpen = false;
    // After Mantine's own attempt to give the focus back.
    setTimeout(() => {
      const active = doc.activeElement;
      if ((!active || active === doc.body) && origin) land(origin);
    }, 30);
  }).observe(doc.body, { childList: true, subtree: true });
}

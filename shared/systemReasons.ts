/**
 * Reasons the console writes itself into an operation or a dispute's history
 * (not typed by a person). They are stored as written, in English, because
 * the operations chain covers the text; the console shows each in the
 * reader's language (renderer/src/i18n/systemReason.ts), and a reason a
 * person typed is shown as typed.
 */
export const SYSTEM_REASONS = {
  /** A dispute opened: its first step, and its operation. */
  disputeOpened: "citizen's statement recorded",
} as const;

export type SystemReason = keyof typeof SYSTEM_REASONS;

/** Which system reason `text` is, or null when a person wrote it. */
export function systemReasonOf(text: string): SystemReason | null {
  for (const [name, written] of Object.entries(SYSTEM_REASONS)) if (written === text) return name as SystemReason;
  return null;
}

/**
 * Auditor signing keys for tests: made once per test file (scrypt is slow on
 * purpose), with their passphrase, the unlocked signer and the public PEM.
 */
import { createAuditorKey, unlockAuditorKey, type AuditorKeyFile } from '../../../electron/services/auditorKey.js';
import type { Signer } from '../../../electron/services/checkpoints.js';

export interface TestAuditor {
  file: AuditorKeyFile;
  passphrase: string;
  signer: Signer;
  publicKeyPem: string;
  keyId: string;
}

const made = new Map<string, TestAuditor>();

/** The auditor key named `name` (another name, another key). */
export function testAuditor(name = 'auditor'): TestAuditor {
  let a = made.get(name);
  if (!a) {
    const passphrase = `passphrase of ${name}, not the admin's`;
    const key = createAuditorKey(passphrase);
    a = { file: key.file, passphrase, signer: unlockAuditorKey(key.file, passphrase), publicKeyPem: key.publicKeyPem, keyId: key.keyId };
    made.set(name, a);
  }
  return a;
}

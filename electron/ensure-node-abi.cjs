/*
 * The SQLite module is native and built for one ABI at a time: `npm start`
 * rebuilds it for Electron (electron-builder install-app-deps), and the
 * command line, the browser bridge and the tests run under plain Node. Before
 * those, this rebuilds it for Node if it was last built for Electron.
 */
const { execSync } = require('node:child_process');
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const MODULES = ['better-sqlite3', 'better-sqlite3-multiple-ciphers'];

/**
 * What the last successful check saw: this Node's ABI and each native
 * binary's modification time. While it holds, loading the modules again (a
 * fifth of a second) is skipped; a rebuild for Electron changes the binaries.
 */
function fingerprint() {
  const parts = [process.versions.modules];
  for (const name of MODULES) {
    let binary;
    try {
      binary = join(dirname(require.resolve(`${name}/package.json`)), 'build', 'Release', 'better_sqlite3.node');
    } catch {
      continue;
    }
    parts.push(`${name}:${existsSync(binary) ? statSync(binary).mtimeMs : 'none'}`);
  }
  return parts.join(' ');
}

const STAMP = join(__dirname, '..', 'node_modules', '.credence-node-abi');

function ensureNodeAbi() {
  const seen = fingerprint();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === seen) return;
  for (const name of MODULES) {
    let Database;
    try {
      Database = require(name);
    } catch (err) {
      if (err && err.code === 'MODULE_NOT_FOUND') continue;
      throw err;
    }
    try {
      new Database(':memory:').close();
    } catch (err) {
      if (!/NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|was compiled against a different Node/i.test(String(err && (err.message || err.code)))) throw err;
      process.stderr.write(`${name} was built for Electron; rebuilding it for Node...\n`);
      execSync(`npm rebuild ${name}`, { stdio: 'inherit' });
    }
  }
  try {
    writeFileSync(STAMP, fingerprint());
  } catch {
    // A read-only node_modules only costs the check next time.
  }
}

module.exports = { ensureNodeAbi };
if (require.main === module) ensureNodeAbi();

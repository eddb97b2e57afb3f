/*
 * better-sqlite3 is a native module built for one ABI at a time: `npm start`
 * rebuilds it for Electron (electron-builder install-app-deps), and the
 * command line, the browser bridge and the tests run under plain Node. Before
 * those, this rebuilds it for Node if it was last built for Electron.
 */
const { execSync } = require('node:child_process');

try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (err) {
  if (!/NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|was compiled against a different Node/i.test(String(err && (err.message || err.code)))) throw err;
  process.stderr.write('better-sqlite3 was built for Electron; rebuilding it for Node...\n');
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
}

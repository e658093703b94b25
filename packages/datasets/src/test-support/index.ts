export { startLocalServer, unreachableUrl, type Answer, type LocalServer } from './local-server.js';
export { makeZip, type ZipMember } from './make-zip.js';
export { removeTempDirs, tempDir } from './temp-dirs.js';

// The ZIP reader lives in @counterweight/datasets (the Bank Marketing download is a zip of zips); re-exported here
// for the app's data API.
export { extractZipEntry } from '@counterweight/datasets';

// Data files the server reads at run time beside its code (`new URL('./data/…', import.meta.url)`).
// The bundle lives in dist/server, so the build copies these folders' files to dist/server/data;
// file names must not collide. scripts/server-data-folders.test.ts finds every such reader.
export const serverDataFolders = ['server/src/exam-room/growth/data', 'server/src/exam-room/histories/data'];

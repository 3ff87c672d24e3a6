// Types for ink-patch.mjs (plain JavaScript: npm's prepack runs it before anything is built).
export function inkPatchPath(version: string): string;
export function inkPatchProblems(inkDir: string, patchFile: string): Promise<string[]>;

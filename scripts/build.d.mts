// Types for build.mjs (plain JavaScript: `npm start` and npm's prepack run it before anything is built).
export const root: string;
export function inputsFingerprint(): string;
export function buildIsCurrent(): boolean;
export function pruneStaleOutputs(base?: string): string[];
export function build(): void;

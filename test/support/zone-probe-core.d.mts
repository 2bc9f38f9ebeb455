// Types of zone-probe-core.mjs for the TypeScript setup file.
/** Installs the probe (once); returns the shared state whose `touch` is called on first use. */
export function installZoneProbe(touch: (what: string) => void): { touch: (what: string) => void };

// Minimal --name value argument parsing for the scripts.
export function parseArgs(defaults: Record<string, string>): Record<string, string> {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in defaults)) {
      throw new Error(
        `unknown argument ${argv[i]}; known: ${Object.keys(defaults)
          .map((k) => `--${k}`)
          .join(' ')}`,
      );
    }
    out[m[1]] = m[2] ?? argv[++i];
  }
  return out;
}

/** The names of the flags given on the command line (without their values), e.g. ['seed', 'epochs']. */
export function givenArgs(argv: string[] = process.argv.slice(2)): string[] {
  return argv.map((a) => /^--([\w-]+)/.exec(a)?.[1]).filter((name): name is string => name !== undefined);
}

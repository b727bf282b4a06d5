// Entry point of the `heartwire` command: picks the subcommand and loads only its module.
export const USAGE = `Usage: heartwire <command> [options]

Commands:
  serve      run a heartbeat server in the terminal
  connect    connect to a heartbeat server (HOST:PORT) and keep the link alive
  web        run the monitor headless: browser UI, REST API, /metrics

Run "heartwire <command> --help" for the options of each command.`;

type Runner = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Runner>> = {
  serve: async () => (await import('./cli-peers')).runServe,
  connect: async () => (await import('./cli-peers')).runConnect,
  web: async () => (await import('./cli-web')).runWeb,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`heartwire: unknown command "${name}" (expected serve, connect or web)\n`);
    return 2;
  }
  return (await load())(rest);
}

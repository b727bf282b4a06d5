// "ip:port" strings as shown everywhere (IPv6 in brackets, like a URL authority).

export function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (!ip) return '';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? host : `${host}:${port}`;
}

/** Parses "host:port", "[v6]:port" → { host, port }; null when malformed. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2], port };
}

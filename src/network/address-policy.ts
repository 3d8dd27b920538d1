/**
 * Which network addresses the service may connect to when a tenant chooses the URL (SSRF
 * protection): webhook deliveries and dataset imports. Without it, `http://169.254.169.254/`
 * or `http://10.0.0.5:6379/` would reach the service's own network. Loopback, link-local,
 * private, shared, multicast and reserved ranges are refused unless the operator allows them
 * (WEBHOOK_ALLOWED_ADDRESSES, IMPORT_ALLOWED_ADDRESSES). The check runs on the address the
 * connection is actually made to, resolved when it is made (the `lookup` below hands the
 * socket the address it checked), so a name that resolves to a public address when it is
 * given and to a private one later (DNS rebinding) is still refused.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const BLOCKED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const;

const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');

/** An address was refused by the policy: the message names the address. */
export class AddressRefusedError extends Error {
  readonly code = 'address_refused';
}

/** IPv4 written inside IPv6 (`::ffff:10.0.0.1`) is checked as the IPv4 address it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export class AddressPolicy {
  private readonly allowed = new BlockList();
  private readonly anyAllowed: boolean;

  /**
   * `allowedList`: comma-separated IPs or CIDR ranges the operator allows although blocked;
   * `setting` names where they come from, `purpose` who connects (both for messages).
   */
  constructor(
    allowedList: string,
    private readonly names: { setting: string; purpose: string } = {
      setting: 'WEBHOOK_ALLOWED_ADDRESSES',
      purpose: 'webhooks',
    },
  ) {
    const entries = allowedList
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const [net, bits] = entry.split('/');
      const family = isIP(net ?? '');
      if (family === 0) throw new Error(`${names.setting}: '${entry}' is not an IP address or CIDR range`);
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.allowed.addAddress(net!, type);
      else this.allowed.addSubnet(net!, Number(bits), type);
    }
    this.anyAllowed = entries.length > 0;
  }

  /** True when a connection to `address` (an IP) may be made. */
  permits(address: string): boolean {
    const { address: ip, family } = unmapped(address);
    if (this.anyAllowed && this.allowed.check(ip, family)) return true;
    return !blocked.check(ip, family);
  }

  /**
   * A `lookup` for http.request: resolves the host and hands over the first permitted address,
   * or fails with AddressRefusedError when every address it resolves to is refused. The
   * connection is made to the address checked here, never to a second resolution.
   */
  lookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(
      hostname,
      { all: true, family: typeof options.family === 'number' ? options.family : 0 },
      (error, addresses) => {
        if (error) return callback(error, '');
        const permitted = addresses.filter((entry) => this.permits(entry.address));
        if (permitted.length === 0) {
          const listed = addresses.map((entry) => entry.address).join(', ');
          return callback(
            new AddressRefusedError(
              `${hostname} resolves to ${listed}, which ${this.names.purpose} may not reach`,
            ) as NodeJS.ErrnoException,
            '',
          );
        }
        if (options.all) return callback(null, permitted);
        callback(null, permitted[0]!.address, permitted[0]!.family);
      },
    );
  };

  /**
   * The check a URL can get before any resolution: an IP literal host (which connections use
   * without a lookup) must be permitted, and `localhost` names are refused unless loopback is
   * allowed. Returns why it is refused, or undefined.
   */
  refusalOf(url: URL): string | undefined {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const { purpose } = this.names;
    if (isIP(host) !== 0)
      return this.permits(host) ? undefined : `the address ${host} may not be reached by ${purpose}`;
    if (/(^|\.)localhost\.?$/i.test(host) && !this.permits('127.0.0.1'))
      return `${host} is a loopback name, which ${purpose} may not reach`;
    return undefined;
  }
}

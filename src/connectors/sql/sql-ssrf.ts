/**
 * SSRF guard for database hosts. A data connection makes this server open TCP connections to a
 * host an admin typed; without a guard it could reach the cloud metadata service and read the
 * machine's credentials. Loopback and private ranges stay allowed: self-hosted databases live
 * there. The host is resolved once, every address is checked, and the connector connects to the
 * checked IP (so a second, different DNS answer cannot slip through), keeping the name for TLS.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { SqlConnectorError } from './sql-errors.js';

export interface SsrfPolicy {
  /** On by default: callers pass `{ enabled: true }` unless an operator turned it off. */
  enabled: boolean;
  /** Host names or IPs exempt from the check (exact, case-insensitive). */
  allowHosts?: string[];
}

export const DEFAULT_SSRF_POLICY: SsrfPolicy = { enabled: true };

const BLOCKED_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

const blockedV4 = new net.BlockList();
blockedV4.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure metadata 169.254.169.254
blockedV4.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network": 0.0.0.0 reaches local services
blockedV4.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
blockedV4.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
blockedV4.addAddress('255.255.255.255', 'ipv4');

const blockedV6 = new net.BlockList();
blockedV6.addAddress('::', 'ipv6');
blockedV6.addSubnet('fe80::', 10, 'ipv6'); // link-local
blockedV6.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
blockedV6.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** Why an IP literal is refused, or null when it is allowed. */
export function blockedAddressReason(ip: string): string | null {
  const family = net.isIP(ip);
  if (family === 4) return blockedV4.check(ip, 'ipv4') ? describeV4(ip) : null;
  if (family === 6) {
    const mapped = embeddedV4(ip);
    if (mapped) return blockedV4.check(mapped, 'ipv4') ? describeV4(mapped) : null;
    if (blockedV6.check(ip, 'ipv6')) {
      if (ip.toLowerCase().startsWith('fe')) return 'a link-local address';
      if (/^fd00:ec2:/i.test(ip)) return 'a cloud metadata address';
      return 'an unspecified or multicast address';
    }
    return null;
  }
  return 'not an IP address';
}

function describeV4(ip: string): string {
  if (ip === '169.254.169.254' || ip === '100.100.100.200') return 'a cloud metadata address';
  if (ip.startsWith('169.254.')) return 'a link-local address';
  if (ip.startsWith('0.')) return 'the unspecified address';
  return 'a multicast or broadcast address';
}

/** The IPv4 inside an IPv4-mapped (::ffff:a.b.c.d / ::ffff:a9fe:a9fe) or IPv4-compatible IPv6. */
function embeddedV4(ip: string): string | null {
  const groups = expandV6(ip);
  if (!groups) return null;
  const zeros = groups.slice(0, 5).every((g) => g === 0);
  if (!zeros || (groups[5] !== 0xffff && groups[5] !== 0)) return null;
  if (groups[5] === 0 && groups[6] === 0) return null; // ::, ::1 are native IPv6
  const hi = groups[6]!;
  const lo = groups[7]!;
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function expandV6(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const p = dotted[1]!.split('.').map(Number);
    s = s.slice(0, dotted.index) + (((p[0]! << 8) | p[1]!).toString(16) + ':' + ((p[2]! << 8) | p[3]!).toString(16));
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0) return null;
  const groups = [...h, ...Array(fill).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

export interface ResolvedHost {
  /** What to connect to: a checked IP, or the name itself when the guard is off or the host exempt. */
  address: string;
  /** The name as configured, for TLS (SNI and certificate check). */
  hostname: string;
}

/**
 * Resolves `host` and refuses it when any of its addresses is blocked. Throws
 * SqlConnectorError('ssrf_blocked' | 'host_unreachable').
 */
export async function resolveSafeHost(host: string, policy: SsrfPolicy): Promise<ResolvedHost> {
  const name = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (!policy.enabled || policy.allowHosts?.some((h) => h.toLowerCase() === name.toLowerCase())) {
    return { address: name, hostname: name };
  }
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (BLOCKED_NAMES.has(lower)) {
    throw new SqlConnectorError('ssrf_blocked', `Connections to ${name} are not allowed: it is a cloud metadata service.`);
  }
  let addresses: { address: string; family: number }[];
  if (net.isIP(name)) {
    addresses = [{ address: name, family: net.isIP(name) }];
  } else {
    try {
      addresses = await lookup(name, { all: true, verbatim: true });
    } catch (e) {
      throw new SqlConnectorError('host_unreachable', `The host name ${name} does not resolve.`, {}, e);
    }
  }
  if (addresses.length === 0) {
    throw new SqlConnectorError('host_unreachable', `The host name ${name} does not resolve.`);
  }
  for (const a of addresses) {
    const reason = blockedAddressReason(a.address);
    if (reason) {
      const via = a.address === name ? '' : ` (${name} resolves to ${a.address})`;
      throw new SqlConnectorError(
        'ssrf_blocked',
        `Connections to ${a.address}${via} are not allowed: it is ${reason}. An operator can allow the host explicitly.`,
      );
    }
  }
  return { address: addresses[0]!.address, hostname: name };
}

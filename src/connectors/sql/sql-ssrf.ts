/**
 * SSRF guard for database hosts. A data connection makes this server open TCP connections to a
 * host someone typed; without a guard it could reach the cloud metadata service and read the
 * machine's credentials, or — for a member who is not an admin — probe the services listening
 * on this server's own loopback. Private ranges stay allowed: self-hosted databases live there.
 * Loopback and this host's own addresses are allowed for workspace connections (made by admins)
 * and refused with `blockLocal` (the connections of everyone else). IPv6 forms that carry an
 * IPv4 address (mapped, compatible, translated, NAT64, 6to4, Teredo) are checked as that IPv4.
 * The host is resolved once, every address is checked, and the connector connects to the
 * checked IP (so a second, different DNS answer cannot slip through), keeping the name for TLS.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { SqlConnectorError } from './sql-errors.js';

export interface SsrfPolicy {
  /** On by default: callers pass `{ enabled: true }` unless an operator turned it off. */
  enabled: boolean;
  /**
   * Host names or IPs exempt from the check (exact, case-insensitive). An IP listed here is
   * allowed whichever name resolves to it.
   */
  allowHosts?: string[];
  /**
   * Also refuse loopback (127.0.0.0/8, ::1) and every address of this host's own interfaces.
   * Set it for connections a non-admin defines (project connections): otherwise they can reach,
   * and port-scan, services that listen only on this server.
   */
  blockLocal?: boolean;
}

export const DEFAULT_SSRF_POLICY: SsrfPolicy = { enabled: true };

const BLOCKED_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

const blockedV4 = new net.BlockList();
blockedV4.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure metadata 169.254.169.254
blockedV4.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network": 0.0.0.0 reaches local services
blockedV4.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
blockedV4.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
blockedV4.addAddress('255.255.255.255', 'ipv4');

const loopbackV4 = new net.BlockList();
loopbackV4.addSubnet('127.0.0.0', 8, 'ipv4');

const blockedV6 = new net.BlockList();
blockedV6.addAddress('::', 'ipv6');
blockedV6.addSubnet('fe80::', 10, 'ipv6'); // link-local
blockedV6.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
blockedV6.addSubnet('ff00::', 8, 'ipv6'); // multicast

export interface AddressCheckOptions {
  /** See SsrfPolicy.blockLocal. */
  blockLocal?: boolean;
  /** This host's own addresses (defaults to os.networkInterfaces(), read on each call). */
  localAddresses?: () => Iterable<string>;
}

/** Why an IP literal is refused, or null when it is allowed. */
export function blockedAddressReason(ip: string, opts: AddressCheckOptions = {}): string | null {
  const family = net.isIP(ip);
  if (family === 0) return 'not an IP address';
  const local = opts.blockLocal ? localAddressSet(opts.localAddresses) : null;
  if (family === 4) return v4Reason(ip, local);
  const groups = expandV6(ip);
  if (!groups) return 'not an IP address';
  const carried = embeddedV4(groups);
  if (carried) {
    if (carried.kind === 'local-nat64') return 'a local-use NAT64 address';
    // A translated form (NAT64, 6to4, Teredo) reaches the IPv4 through a gateway: loopback or
    // "this network" there is never a database anyone should be connecting to.
    if (carried.kind === 'translated' && (loopbackV4.check(carried.v4, 'ipv4') || carried.v4.startsWith('0.'))) {
      return carried.v4.startsWith('0.') ? 'the unspecified address' : 'a loopback address';
    }
    const r = v4Reason(carried.v4, local);
    if (r) return r;
    if (carried.kind === 'mapped') return null; // the OS connects to the IPv4 itself
  }
  const canonical = groups.map((g) => g.toString(16)).join(':');
  if (local && canonical === '0:0:0:0:0:0:0:1') return 'a loopback address';
  if (blockedV6.check(ip.replace(/%.*$/, ''), 'ipv6')) {
    if (groups[0]! >= 0xfe80 && groups[0]! <= 0xfebf) return 'a link-local address';
    if (canonical === 'fd00:ec2:0:0:0:0:0:254') return 'a cloud metadata address';
    return 'an unspecified or multicast address';
  }
  if (local?.has(canonical)) return "this server's own address";
  return null;
}

function v4Reason(ip: string, local: Set<string> | null): string | null {
  if (blockedV4.check(ip, 'ipv4')) return describeV4(ip);
  if (local) {
    if (loopbackV4.check(ip, 'ipv4')) return 'a loopback address';
    if (local.has(ip)) return "this server's own address";
  }
  return null;
}

function describeV4(ip: string): string {
  if (ip === '169.254.169.254' || ip === '100.100.100.200') return 'a cloud metadata address';
  if (ip.startsWith('169.254.')) return 'a link-local address';
  if (ip.startsWith('0.')) return 'the unspecified address';
  return 'a multicast or broadcast address';
}

/** Every address of this host's interfaces, IPv4 dotted and IPv6 as 8 expanded hex groups. */
function localAddressSet(source?: () => Iterable<string>): Set<string> {
  const out = new Set<string>();
  const list = source ? source() : Object.values(os.networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address));
  for (const a of list) {
    if (net.isIP(a) === 4) out.add(a);
    else {
      const g = expandV6(a);
      if (!g) continue;
      out.add(g.map((x) => x.toString(16)).join(':'));
      const v4 = embeddedV4(g);
      if (v4?.kind === 'mapped') out.add(v4.v4);
    }
  }
  return out;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 an IPv6 address carries: `mapped` when the OS itself connects to the IPv4
 * (::ffff:a.b.c.d, ::a.b.c.d, ::ffff:0:a.b.c.d), `translated` when a gateway does (NAT64
 * 64:ff9b::/96, 6to4 2002::/16 and the Teredo client in 2001::/32); `local-nat64` for the
 * RFC 8215 local-use prefix 64:ff9b:1::/48, whose layout depends on the operator's prefix length.
 */
function embeddedV4(g: number[]): { kind: 'mapped' | 'translated'; v4: string } | { kind: 'local-nat64' } | null {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && (g[5] === 0xffff || g[5] === 0) && !(g[5] === 0 && g[6] === 0)) return { kind: 'mapped', v4: v4Of(g[6]!, g[7]!) };
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return { kind: 'mapped', v4: v4Of(g[6]!, g[7]!) };
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return { kind: 'translated', v4: v4Of(g[6]!, g[7]!) };
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return { kind: 'local-nat64' };
  if (g[0] === 0x2002) return { kind: 'translated', v4: v4Of(g[1]!, g[2]!) };
  if (g[0] === 0x2001 && g[1] === 0) return { kind: 'translated', v4: v4Of(~g[6]! & 0xffff, ~g[7]! & 0xffff) };
  return null;
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
  const allowed = new Set((policy.allowHosts ?? []).map((h) => h.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase()));
  if (!policy.enabled || allowed.has(name.toLowerCase())) {
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
    if (allowed.has(a.address.toLowerCase())) continue;
    const reason = blockedAddressReason(a.address, { blockLocal: policy.blockLocal });
    if (reason) {
      if (policy.blockLocal && (reason === 'a loopback address' || reason === "this server's own address")) {
        // The same answer for every port, before any connection: no way to scan this server.
        throw new SqlConnectorError(
          'ssrf_blocked',
          `Connections to ${name} are not allowed here: it is ${reason}. Only workspace admins may connect to this server itself, or an operator can allow the host (ATRIUM_SSRF_ALLOW_HOSTS).`,
        );
      }
      const via = a.address === name ? '' : ` (${name} resolves to ${a.address})`;
      throw new SqlConnectorError(
        'ssrf_blocked',
        `Connections to ${a.address}${via} are not allowed: it is ${reason}. An operator can allow the host explicitly.`,
      );
    }
  }
  return { address: addresses[0]!.address, hostname: name };
}

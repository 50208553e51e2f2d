/**
 * Parsing of the HQueue server address the user types (dialog field, `--server`, request `server`).
 *
 * Pure: no I/O. The rules follow what Python's `xmlrpc.client.ServerProxy` clients do (hqueue.md §1):
 * plain HTTP, port 5000 by default, XML-RPC endpoint `/RPC2` by default.
 */
import { isIPv4, isIPv6 } from "node:net";

export interface ServerAddress {
  /** Host name or IP address as typed; IPv6 without brackets (`::1`). */
  host: string;
  port: number;
  /** XML-RPC endpoint path, always starting with `/`; `/RPC2` unless the user typed another one. */
  path: string;
  /** `http://host:port` (IPv6 in brackets): the web UI root. */
  baseUrl: string;
  /** `baseUrl + path`: where XML-RPC calls are POSTed. */
  rpcUrl: string;
}

export const DEFAULT_HQUEUE_PORT = 5000;
export const DEFAULT_RPC_PATH = "/RPC2";

const EXAMPLES = "Type the HQueue server as host, host:port or http://host:port (e.g. hqserver, hqserver:5000, http://10.0.0.5:5000).";

/** Letters, digits, dots, hyphens and underscores (underscores occur in Windows NetBIOS names). */
const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

function fail(problem: string): never {
  throw new Error(`${problem} ${EXAMPLES}`);
}

function parsePort(text: string, typed: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) fail(`"${typed}": the port "${text}" is not a number from 1 to 65535.`);
  const port = Number(text);
  if (port < 1 || port > 65535) fail(`"${typed}": the port ${port} is out of range (1 to 65535).`);
  return port;
}

/**
 * Parses `host`, `host:port`, `http://host:port`, `http://host:port/`, `http://host:port/RPC2`, IPv4, `[::1]:5000`
 * (surrounding whitespace ignored). Throws an Error whose message says what to type.
 *
 * A bare `/` path becomes `/RPC2`. Note that Python's ServerProxy would POST to `/` for `http://host:5000/`, but the
 * documented form (`http://host:5000`, no path) POSTs to `/RPC2`, which is the only endpoint confirmed for HQueue;
 * a trailing slash is almost always accidental. Any other explicit path (e.g. behind a proxy) is kept.
 *
 * `https://` is rejected: HQueue serves plain HTTP on port 5000 and this client does not speak TLS.
 */
export function parseServerAddress(text: string): ServerAddress {
  const typed = text.trim();
  if (typed === "") fail("The HQueue server address is empty.");
  if (/\s/.test(typed)) fail(`"${typed}" contains a space.`);

  let rest = typed;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name === "https") {
      fail(`"${typed}": HQueue serves plain HTTP (no TLS); use http:// instead of https://.`);
    }
    if (name !== "http") fail(`"${typed}": the scheme "${scheme[1]}://" is not supported; HQueue speaks http://.`);
    rest = rest.slice(scheme[0].length);
  }

  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? "" : rest.slice(slash);
  if (/[?#]/.test(path)) fail(`"${typed}": a query (?) or fragment (#) is not allowed in the server address.`);
  if (authority.includes("@")) fail(`"${typed}": user names in the address are not supported (HQueue has no login).`);
  if (authority === "") fail(`"${typed}" has no host name.`);

  let host: string;
  let port = DEFAULT_HQUEUE_PORT;
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) fail(`"${typed}": missing "]" after the IPv6 address.`);
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (!isIPv6(host)) fail(`"${typed}": "${host}" is not an IPv6 address.`);
    if (after !== "") {
      if (!after.startsWith(":")) fail(`"${typed}": unexpected "${after}" after the IPv6 address.`);
      port = parsePort(after.slice(1), typed);
    }
  } else if (authority.split(":").length > 2) {
    // Several colons and no brackets: only an IPv6 address without a port is unambiguous.
    if (!isIPv6(authority)) fail(`"${typed}": put an IPv6 address in brackets, e.g. [::1]:5000.`);
    host = authority;
  } else {
    const colon = authority.indexOf(":");
    host = colon < 0 ? authority : authority.slice(0, colon);
    if (colon >= 0) port = parsePort(authority.slice(colon + 1), typed);
    if (host === "") fail(`"${typed}" has no host name.`);
    if (!isIPv4(host) && !HOST_NAME.test(host)) fail(`"${typed}": "${host}" is not a valid host name.`);
  }

  if (path === "" || path === "/") path = DEFAULT_RPC_PATH;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  const baseUrl = `http://${hostForUrl}:${port}`;
  return { host, port, path, baseUrl, rpcUrl: baseUrl + path };
}

/** The job's page in the HQueue web UI (the URL KartaLink opens after submitting). */
export function jobPageUrl(addr: ServerAddress, jobId: number): string {
  return `${addr.baseUrl}/jobs/view/${jobId}`;
}

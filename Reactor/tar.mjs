// A minimal reader for the gzip'd tar files the npm registry serves (ustar, with pax and GNU long names), enough to
// take a few named files out of a package without a tar program or an npm dependency.
import { gunzipSync } from "node:zlib";

const BLOCK = 512;

function field(header, start, length) {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString("utf8");
}

function octal(header, start, length) {
  const text = field(header, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: bad number field "${text}"`);
  return parseInt(text, 8);
}

/** pax extended header records: "LEN key=value\n" … */
function paxPath(body) {
  let rest = body.toString("utf8");
  while (rest.length > 0) {
    const space = rest.indexOf(" ");
    const length = Number(rest.slice(0, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = rest.slice(space + 1, length - 1);
    if (record.startsWith("path=")) return record.slice(5);
    rest = rest.slice(length);
  }
  return undefined;
}

/**
 * The regular files of a .tgz whose paths are in `wanted`, as a Map path → { data, mode }.
 * Throws when the archive is cut short; a wanted file that is absent is simply not in the map.
 */
export function extractFromTgz(tgz, wanted) {
  const tar = gunzipSync(tgz);
  const found = new Map();
  let offset = 0;
  let longName;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const bodyStart = offset + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > tar.length) throw new Error("tar: the archive is truncated");
    const body = tar.subarray(bodyStart, bodyEnd);
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      longName = paxPath(body) ?? longName;
      continue;
    }
    if (type === "L") {
      longName = field(body, 0, body.length);
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix !== "" ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if ((type === "0" || type === "\0") && wanted.includes(name)) {
      found.set(name, { data: Buffer.from(body), mode: octal(header, 100, 8) });
    }
  }
  return found;
}

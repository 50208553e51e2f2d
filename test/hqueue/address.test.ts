import { describe, expect, it } from "vitest";
import { jobPageUrl, parseServerAddress } from "../../src-node/hqueue/address";

describe("parseServerAddress accepts what users type", () => {
  const cases: [string, string, number, string, string][] = [
    // typed, host, port, path, rpcUrl
    ["hqserver", "hqserver", 5000, "/RPC2", "http://hqserver:5000/RPC2"],
    ["localhost:5001", "localhost", 5001, "/RPC2", "http://localhost:5001/RPC2"],
    ["http://hqserver:5000", "hqserver", 5000, "/RPC2", "http://hqserver:5000/RPC2"],
    ["http://hqserver:5000/", "hqserver", 5000, "/RPC2", "http://hqserver:5000/RPC2"],
    ["http://hqserver:5000/RPC2", "hqserver", 5000, "/RPC2", "http://hqserver:5000/RPC2"],
    ["HTTP://farm.example.com", "farm.example.com", 5000, "/RPC2", "http://farm.example.com:5000/RPC2"],
    ["http://10.0.10.203:5000/", "10.0.10.203", 5000, "/RPC2", "http://10.0.10.203:5000/RPC2"],
    ["192.168.1.20", "192.168.1.20", 5000, "/RPC2", "http://192.168.1.20:5000/RPC2"],
    ["[::1]:5000", "::1", 5000, "/RPC2", "http://[::1]:5000/RPC2"],
    ["http://[fe80::1]:6000/RPC2", "fe80::1", 6000, "/RPC2", "http://[fe80::1]:6000/RPC2"],
    ["::1", "::1", 5000, "/RPC2", "http://[::1]:5000/RPC2"],
    ["  hq-01:5000  \n", "hq-01", 5000, "/RPC2", "http://hq-01:5000/RPC2"],
    ["render_srv:80/hq/RPC2", "render_srv", 80, "/hq/RPC2", "http://render_srv:80/hq/RPC2"],
    ["hq:65535", "hq", 65535, "/RPC2", "http://hq:65535/RPC2"],
  ];
  it.each(cases)("%j", (typed, host, port, path, rpcUrl) => {
    const address = parseServerAddress(typed);
    expect(address).toEqual({ host, port, path, rpcUrl, baseUrl: rpcUrl.slice(0, rpcUrl.length - path.length) });
  });
});

describe("parseServerAddress rejects what cannot work, saying what to type", () => {
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ["   ", /empty/],
    ["hq server", /space/],
    ["hq:0", /out of range/],
    ["hq:65536", /out of range/],
    ["hq:50a0", /not a number/],
    ["hq:", /not a number/],
    ["hq:-1", /not a number/],
    ["https://hq:5000", /plain HTTP/],
    ["ftp://hq", /not supported/],
    ["http://", /no host/],
    [":5000", /no host/],
    ["user@hq", /user names/],
    ["hq/RPC2?x=1", /query/],
    ["[::1", /missing "\]"/],
    ["[hq]:5000", /not an IPv6/],
    ["fe80::1::2:5000", /brackets/],
    ["hq$:5000", /not a valid host/],
  ];
  it.each(cases)("%j", (typed, problem) => {
    expect(() => parseServerAddress(typed)).toThrow(problem);
    expect(() => parseServerAddress(typed)).toThrow(/Type the HQueue server as host, host:port or http:\/\/host:port/);
  });
});

describe("jobPageUrl", () => {
  it("points at the web UI's job page", () => {
    expect(jobPageUrl(parseServerAddress("hq:5000/RPC2"), 337)).toBe("http://hq:5000/jobs/view/337");
    expect(jobPageUrl(parseServerAddress("[::1]"), 5)).toBe("http://[::1]:5000/jobs/view/5");
  });
});

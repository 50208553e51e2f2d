// The stand-in's own XML-RPC layer: it must read what real clients write and write what Python writes.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { parseClientList, parseStandinArgs, startHQueueStandin, type HQueueStandin } from "../support/hqueue-standin";
import {
  parseMethodCall,
  PyFloat,
  PythonFault,
  serializeFault,
  serializeResponse,
  pythonException,
} from "../support/hqueue-standin-xmlrpc";

/** The npm package's own serializer (untyped internals), to see exactly what the product's client writes. */
const xmlrpcSerializer = createRequire(import.meta.url)("xmlrpc/lib/serializer") as {
  serializeMethodCall(method: string, params: unknown[]): string;
};

function faultOf(run: () => unknown): PythonFault {
  try {
    run();
  } catch (error) {
    if (error instanceof PythonFault) return error;
    throw error;
  }
  throw new Error("expected a PythonFault");
}

const call = (value: string): string =>
  `<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param>${value}</param></params></methodCall>`;

describe("parseMethodCall", () => {
  it("reads what the npm xmlrpc client writes, CDATA included", () => {
    const xml = xmlrpcSerializer.serializeMethodCall("newjob", [
      { name: "a && b <c>", n: 3, f: 2.5, ok: false, none: null, list: [1, "x", [true]], empty: "" },
      null,
    ]);
    expect(xml).toContain("CDATA"); // the package writes strings with & or < as CDATA
    expect(parseMethodCall(xml)).toEqual({
      method: "newjob",
      params: [{ name: "a && b <c>", n: 3, f: 2.5, ok: false, none: null, list: [1, "x", [true]], empty: "" }, null],
    });
  });

  it("reads every XML-RPC type, bare values as strings, references and line endings like expat", () => {
    expect(parseMethodCall(call("<value>  spaced  </value>")).params).toEqual(["  spaced  "]);
    expect(parseMethodCall(call("<value></value>")).params).toEqual([""]);
    expect(parseMethodCall(call("<value/>")).params).toEqual([""]);
    expect(parseMethodCall(call("<value><i4>-5</i4></value>")).params).toEqual([-5]);
    expect(parseMethodCall(call("<value><i8>4294967296</i8></value>")).params).toEqual([4294967296]);
    expect(parseMethodCall(call("<value><string>&#65;&#x42;&lt;&amp;&gt;&quot;&apos;a\r\nb\rc&#13;</string></value>")).params)
      .toEqual(["AB<&>\"'a\nb\nc\r"]);
    expect(parseMethodCall(call("<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>")).params)
      .toEqual([new Date(2024, 0, 2, 3, 4, 5)]);
    expect(parseMethodCall(call("<value><base64>\nAAFi\naW4=\n</base64></value>")).params).toEqual([Buffer.from("\x00\x01bin", "latin1")]);
    expect(parseMethodCall(call("<value><struct><member><name>k</name><value><nil/></value></member></struct></value>")).params)
      .toEqual([{ k: null }]);
    expect(parseMethodCall("<methodCall><methodName>ping</methodName></methodCall>")).toEqual({ method: "ping", params: [] });
  });

  it("faults like Python on malformed input", () => {
    for (const bad of ["", "<methodCall><methodName>x</methodName>", "<a></b>", "<methodCall>\u0000</methodCall>", "<a>&bogus;</a>", "<a>&#0;</a>"]) {
      const fault = faultOf(() => parseMethodCall(bad));
      expect(fault.faultCode).toBe(1);
      expect(fault.faultString).toMatch(/^<class 'xml\.parsers\.expat\.ExpatError'>:.*line \d+, column \d+$/);
    }
    expect(faultOf(() => parseMethodCall(call("<value><int>x</int></value>"))).faultString).toBe(
      "<class 'ValueError'>:invalid literal for int() with base 10: 'x'",
    );
    expect(faultOf(() => parseMethodCall(call("<value><boolean>2</boolean></value>"))).faultString).toBe("<class 'TypeError'>:bad boolean value");
  });
});

describe("serializeResponse / serializeFault write Python's bytes", () => {
  it("matches xmlrpc.client.dumps(..., methodresponse=True, allow_none=True)", () => {
    // Captured from CPython 3.11.
    const python =
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>id</name>\n<value><int>7</int></value>\n</member>\n" +
      "<member>\n<name>progress</name>\n<value><double>0.5</double></value>\n</member>\n<member>\n<name>done</name>\n<value><double>1.0</double></value>\n</member>\n" +
      "<member>\n<name>parent</name>\n<value><nil/></value></member>\n<member>\n<name>ok</name>\n<value><boolean>1</boolean></value>\n</member>\n" +
      "<member>\n<name>name</name>\n<value><string>a&lt;&amp;&gt;b</string></value>\n</member>\n<member>\n<name>children</name>\n" +
      "<value><array><data>\n<value><int>1</int></value>\n<value><int>2</int></value>\n</data></array></value>\n</member>\n" +
      "<member>\n<name>when</name>\n<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>\n</member>\n</struct></value>\n" +
      "</param>\n</params>\n</methodResponse>\n";
    expect(
      serializeResponse({
        id: 7, progress: 0.5, done: new PyFloat(1), parent: null, ok: true, name: "a<&>b", children: [1, 2], when: new Date(2024, 0, 2, 3, 4, 5),
      }),
    ).toBe(python);
    expect(serializeResponse(null)).toBe("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><nil/></value></param>\n</params>\n</methodResponse>\n");
    expect(serializeFault(pythonException("Exception", "boom"))).toBe(
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n" +
        "<member>\n<name>faultString</name>\n<value><string>&lt;class 'Exception'&gt;:boom</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
    );
  });

  it("writes floats as Python's repr and refuses ints beyond 32 bits", () => {
    const doubles = [0, 1, 0.5, 1e-5, 1.5e16, 0.0001, 1e15, 1 / 3].map((v) => /<double>(.*)<\/double>/.exec(serializeResponse(new PyFloat(v)))?.[1]);
    expect(doubles).toEqual(["0.0", "1.0", "0.5", "1e-05", "1.5e+16", "0.0001", "1000000000000000.0", "0.3333333333333333"]);
    expect(faultOf(() => serializeResponse([2 ** 31])).faultString).toBe("<class 'OverflowError'>:int exceeds XML-RPC limits");
    expect(serializeResponse(2 ** 31 - 1)).toContain("<int>2147483647</int>");
  });
});

describe("the stand-in over HTTP", () => {
  let standin: HQueueStandin;
  beforeAll(async () => {
    standin = await startHQueueStandin({ runJobs: false, firstJobId: 2 ** 31 });
  });
  afterAll(() => standin.close());

  it("a job id beyond 2^31-1 cannot be returned: the client gets Python's OverflowError fault", async () => {
    await expect(new HQueueClient(standin.url).newjob({ name: "x" })).rejects.toMatchObject({
      kind: "fault",
      faultString: "<class 'OverflowError'>:int exceeds XML-RPC limits",
    });
  });

  it("accepts POST on any path, answers GET / and 404s other pages", async () => {
    for (const path of ["/RPC2", "/", "/anything"]) {
      const response = await fetch(standin.url + path, { method: "POST", body: "<methodCall><methodName>ping</methodName></methodCall>" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/xml");
      expect(await response.text()).toContain("<boolean>1</boolean>");
    }
    expect((await fetch(standin.url)).status).toBe(200);
    expect((await fetch(`${standin.url}/nothing/here`)).status).toBe(404);
  });

  it("wrong argument counts fault with a TypeError", async () => {
    await expect(new HQueueClient(standin.url).call("getJob", [])).rejects.toMatchObject({ kind: "fault", faultString: expect.stringMatching(/^<class 'TypeError'>:/) });
  });
});

describe("command-line options", () => {
  it("parses --clients and the flags", () => {
    expect(parseClientList("lin01:linux:Fusion,win01:windows:Fusion+Render,plain,mac01:macos-arm64::disabled,l2:linux::unavailable")).toEqual([
      { hostname: "lin01", os: "linux", groups: ["Fusion"] },
      { hostname: "win01", os: "windows", groups: ["Fusion", "Render"] },
      { hostname: "plain", os: "linux", groups: [] },
      { hostname: "mac01", os: "macos", arch: "arm64", groups: [], disabled: true },
      { hostname: "l2", os: "linux", groups: [], available: false },
    ]);
    expect(() => parseClientList("x:linux:G:asleep")).toThrow(/unknown state/);
    expect(parseStandinArgs(["--port", "0", "--legacy", "--no-run", "--slots", "2"])).toMatchObject({
      port: 0, serverVersion: "legacy", runJobs: false, slotsPerClient: 2,
    });
    expect(() => parseClientList("x:solaris")).toThrow(/unknown os/);
    expect(() => parseStandinArgs(["--bogus"])).toThrow(/unknown argument/);
  });
});

describe("the bundled program (dist/dev/hqueue-standin.js)", () => {
  const bundle = resolve(__dirname, "../../dist/dev/hqueue-standin.js");
  const built = existsSync(bundle);
  if (!built) console.warn(`standin-xmlrpc.test.ts: program test skipped, ${bundle} is not built (npm run build)`);

  it.skipIf(!built)("prints its URL, answers, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [bundle, "--port", "0", "--no-run", "--clients", "a:linux:Fusion,b:windows"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let text = "";
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          const match = /HQueue stand-in listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
          if (match) resolveUrl(match[1]);
        });
        child.on("exit", (code) => reject(new Error(`stand-in exited (${code}) before listening: ${text}`)));
      });
      const client = new HQueueClient(url);
      expect(await client.ping()).toBe(true);
      expect((await client.getClients(["hostname", "platform"])).map((c) => `${c.hostname}:${c.platform}`)).toEqual(["a:linux-x86_64", "b:windows-x86_64"]);
      const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

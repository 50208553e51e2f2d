// The client's error kinds, against raw node:http servers that misbehave on purpose.
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HQueueClient } from "../../src-node/hqueue/client";
import { HQueueError } from "../../src-node/hqueue/hqueue-error";

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
const sockets = new Set<Socket>();

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** A loopback server that reads the whole request body, then lets `handler` answer (or not). */
async function rawServer(handler: Handler): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push(body);
      handler(request, response, body);
    });
  });
  server.on("connection", (socket) => sockets.add(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function answer(xml: string, status = 200, contentType = "text/xml"): Handler {
  return (_request, response) => {
    response.writeHead(status, { "Content-Type": contentType });
    response.end(xml);
  };
}

async function failure(promise: Promise<unknown>): Promise<HQueueError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HQueueError);
  return error as HQueueError;
}

const OK_INT = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><int>7</int></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n";

describe("HQueueClient error kinds", () => {
  it("unreachable: connection refused on a closed port, nothing sent, message says what to check", async () => {
    const { url } = await rawServer(answer(OK_INT));
    const server = servers.pop() as http.Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(new HQueueClient(url).ping());
    expect(error).toMatchObject({ kind: "unreachable", method: "ping", sent: false });
    expect(error.message).toContain(`${url}/RPC2`);
    expect(error.message).toMatch(/connection refused/);
    expect(error.message).toMatch(/check that the HQueue server is running and that the address and port are right/i);
  });

  it("timeout: a server that accepts and never answers fails after the timeout, with the request sent", async () => {
    const { url, requests } = await rawServer(() => {
      /* never answers */
    });
    const error = await failure(new HQueueClient(url, { timeoutMs: 300 }).newjob({ name: "x" }));
    expect(error).toMatchObject({ kind: "timeout", method: "newjob", sent: true });
    expect(error.message).toContain("0.3 s");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain("<methodName>newjob</methodName>");
  }, 5000); // bounded: without the abort signal the package would wait for ever

  it("http: a 500 HTML page is reported as HTTP 500, not as an XML error", async () => {
    const { url } = await rawServer(answer("<html><body><h1>Server Error (500)</h1></body></html>", 500, "text/html"));
    const error = await failure(new HQueueClient(url).ping());
    expect(error).toMatchObject({ kind: "http", httpStatus: 500, sent: true });
    expect(error.message).toMatch(/HTTP 500/);
  });

  it("http: 404 hints at the path, 502 with an empty body is still HTTP", async () => {
    const notFound = await rawServer(answer("nope", 404, "text/plain"));
    const error404 = await failure(new HQueueClient(`${notFound.url}/wrong`).ping());
    expect(error404).toMatchObject({ kind: "http", httpStatus: 404 });
    expect(error404.message).toMatch(/\/RPC2/);
    const badGateway = await rawServer(answer("", 502));
    expect(await failure(new HQueueClient(badGateway.url).ping())).toMatchObject({ kind: "http", httpStatus: 502 });
  });

  it("malformed_response: empty 200 body, truncated XML, non-XML text", async () => {
    for (const body of ["", OK_INT.slice(0, 80), "Hello, world"]) {
      const { url } = await rawServer(answer(body));
      const error = await failure(new HQueueClient(url).ping());
      expect(error).toMatchObject({ kind: "malformed_response", sent: true });
    }
  });

  it("malformed_response: newjob answered with something other than a list of ints", async () => {
    for (const value of ["<string>12</string>", "<array><data></data></array>", "<array><data><value><double>1.5</double></value></data></array>"]) {
      const { url } = await rawServer(answer(`<?xml version='1.0'?><methodResponse><params><param><value>${value}</value></param></params></methodResponse>`));
      const error = await failure(new HQueueClient(url).newjob({ name: "x" }));
      expect(error).toMatchObject({ kind: "malformed_response", method: "newjob", sent: true });
    }
  });

  it("fault: code and string are kept", async () => {
    const fault =
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n" +
      "<member>\n<name>faultString</name>\n<value><string>&lt;class 'KeyError'&gt;:'name'</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n";
    const { url } = await rawServer(answer(fault));
    const error = await failure(new HQueueClient(url).newjob({ name: "x" }));
    expect(error).toMatchObject({ kind: "fault", faultCode: 1, faultString: "<class 'KeyError'>:'name'", sent: true });
    expect(error.message).toContain("<class 'KeyError'>:'name'");
  });

  it("unreachable with sent=true: the server drops the connection after reading the request", async () => {
    const { url, requests } = await rawServer((request) => request.socket.destroy());
    const error = await failure(new HQueueClient(url).newjob({ name: "x" }));
    expect(error).toMatchObject({ kind: "unreachable", sent: true });
    expect(requests).toHaveLength(1);
  });

  it("bad_request: control characters are refused before any connection is made", async () => {
    const { url, requests } = await rawServer(answer(OK_INT));
    const error = await failure(new HQueueClient(url).call("newjob", [{ name: "a\u0000b" }]));
    expect(error).toMatchObject({ kind: "bad_request", sent: false });
    expect(error.message).toMatch(/U\+0000/);
    expect(requests).toEqual([]);
  });

  it("<i8> values arrive as strings and dateTime values as naive ISO strings", async () => {
    const { url } = await rawServer(
      answer(
        "<?xml version='1.0'?><methodResponse><params><param><value><struct>" +
          "<member><name>big</name><value><i8>9007199254740993</i8></value></member>" +
          "<member><name>when</name><value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value></member>" +
          "<member><name>list</name><value><array><data><value><dateTime.iso8601>19991231T23:59:59</dateTime.iso8601></value></data></array></value></member>" +
          "</struct></value></param></params></methodResponse>",
      ),
    );
    expect(await new HQueueClient(url).getJob(1)).toEqual({
      big: "9007199254740993",
      when: "2024-01-02T03:04:05",
      list: ["1999-12-31T23:59:59"],
    });
  });
});

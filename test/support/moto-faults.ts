import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the stand-in service. */
export interface FaultAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** A request the stand-in received: its target header and raw body. */
export interface FaultRequest {
  target: string | undefined;
  body: string;
}

export interface FaultServer {
  endpoint: string;
  requests: FaultRequest[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers as an AWS service would when it
 * fails in ways moto cannot be made to (throttling, transient per-entry
 * failures). The real SDK client talks to it over real HTTP, so the
 * error parsing under test is the SDK's own.
 */
export async function startFaultServer(
  answer: (request: FaultRequest, index: number) => FaultAnswer,
): Promise<FaultServer> {
  // The lockfile pins SDK releases that still support Node.js 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const requests: FaultRequest[] = [];
  const server = createServer(async (incoming, outgoing) => {
    const request = {
      target: incoming.headers['x-amz-target'] as string | undefined,
      body: await readBody(incoming),
    };
    requests.push(request);
    const { status, contentType, body } = answer(request, requests.length - 1);
    outgoing.writeHead(status, { 'content-type': contentType });
    outgoing.end(body);
  });
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );

  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** EC2's query-protocol error, e.g. RequestLimitExceeded with 503. */
export const ec2Error = (code: string, status = 503): FaultAnswer => ({
  status,
  contentType: 'text/xml',
  body:
    '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>' +
    `<Code>${code}</Code><Message>${code}</Message></Error></Errors>` +
    '<RequestID>fault-1</RequestID></Response>',
});

/** A JSON-protocol error (ECS, EventBridge), e.g. ThrottlingException. */
export const jsonError = (type: string, status = 400): FaultAnswer => ({
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message: 'Rate exceeded' }),
});

/** A JSON-protocol success answer. */
export const jsonAnswer = (output: unknown): FaultAnswer => ({
  status: 200,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify(output),
});

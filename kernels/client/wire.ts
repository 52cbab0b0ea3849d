/**
 * Jupyter wire protocol (messaging spec 5.3): building, signing, and parsing the multipart frames
 * that travel over the kernel's ZeroMQ sockets. Pure functions; no sockets here.
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const DELIMITER = '<IDS|MSG>';
export const PROTOCOL_VERSION = '5.3';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** The header of the request this message answers, or {} for a request. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  /** ZeroMQ routing identities that preceded the delimiter (empty for DEALER/SUB traffic we read). */
  identities?: Buffer[];
}

/** HMAC-SHA256 over header, parent header, metadata and content, hex (the spec's `signature`). */
export function sign(key: string, parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', key);
  for (const p of parts) hmac.update(p);
  return hmac.digest('hex');
}

export function newMessage<C>(msgType: string, content: C, session: string): JupyterMessage<C> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'lungcam',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Frames to send: [delimiter, signature, header, parent, metadata, content]. */
export function encode(msg: JupyterMessage<unknown>, key: string): Buffer[] {
  const body = [msg.header, msg.parent_header, msg.metadata, msg.content].map((x) => Buffer.from(JSON.stringify(x)));
  return [...(msg.identities ?? []), Buffer.from(DELIMITER), Buffer.from(sign(key, body)), ...body];
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/**
 * Parses received frames and checks the signature (a message with a wrong signature is rejected:
 * with a per-start key, only the kernel we started can talk to us).
 */
export function decode<C = Record<string, unknown>>(frames: Buffer[], key: string): JupyterMessage<C> {
  const at = frames.findIndex((f) => f.toString() === DELIMITER);
  if (at < 0) throw new WireError('message has no <IDS|MSG> delimiter');
  if (frames.length < at + 6) throw new WireError('message has too few frames');
  const signature = frames[at + 1].toString();
  const body = frames.slice(at + 2, at + 6);
  const expected = sign(key, body);
  const ok = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  if (!ok) throw new WireError('message signature does not match the session key');
  const [header, parent_header, metadata, content] = body.map((b) => JSON.parse(b.toString()));
  return { header, parent_header, metadata, content, identities: frames.slice(0, at) };
}

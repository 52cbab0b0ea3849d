/**
 * The requestId a CAM output carries so its view can ask for a recomputation (another method, a map
 * left out): `lungcam-view:` + base64url of { wav, model } (absolute paths). The extension decodes it
 * and runs `lungcam view` on that recording and model, in a notebook or in Quick Analysis alike.
 * Extra fields are allowed (a `key` tells two outputs of the same recording apart) and are kept when
 * the id is passed through a recomputation.
 */
export interface ViewSource {
  wav: string;
  model: string;
}

import { base64ToBytes, bytesToBase64 } from './view/quantized';

const PREFIX = 'lungcam-view:';

/** base64url without padding (RFC 4648 §5) of the text's UTF-8 bytes. */
function toBase64Url(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(code: string): string {
  return new TextDecoder().decode(base64ToBytes(code.replace(/-/g, '+').replace(/_/g, '/')));
}

export function encodeRequestId(source: ViewSource & { key?: string }): string {
  const { wav, model, key } = source;
  return PREFIX + toBase64Url(JSON.stringify(key === undefined ? { wav, model } : { wav, model, key }));
}

/** At most this long: an id is two paths; anything longer is not one of ours. */
const MAX_ID_LENGTH = 16384;

/**
 * The recording and model a requestId names, or undefined when it is not a well-formed id. A notebook
 * output can hold anything, so the id is checked before any of it reaches a command line: base64url only,
 * and two absolute paths without control characters, the recording a .wav file.
 */
export function decodeRequestId(id: unknown): ViewSource | undefined {
  if (!isRequestId(id)) return undefined;
  try {
    const v = JSON.parse(fromBase64Url(id.slice(PREFIX.length)));
    if (!isSafePath(v?.wav) || !isSafePath(v?.model) || !/\.wav$/i.test(v.wav)) return undefined;
    return { wav: v.wav, model: v.model };
  } catch {
    return undefined;
  }
}

/** The shape of an id encodeRequestId makes (the prefix, then base64url). */
export function isRequestId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_ID_LENGTH && id.startsWith(PREFIX) && /^[A-Za-z0-9_-]+$/.test(id.slice(PREFIX.length));
}

/** POSIX `/…`, Windows `C:\…` or `\\server\…` (no node:path here: the webview imports kernels/shared). */
const isAbsolutePath = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
// eslint-disable-next-line no-control-regex
const isSafePath = (p: unknown): p is string => typeof p === 'string' && isAbsolutePath(p) && !/[\x00-\x1f\x7f]/.test(p);

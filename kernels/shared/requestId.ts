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

export function decodeRequestId(id: string): ViewSource | undefined {
  if (typeof id !== 'string' || !id.startsWith(PREFIX)) return undefined;
  try {
    const v = JSON.parse(fromBase64Url(id.slice(PREFIX.length)));
    return typeof v?.wav === 'string' && typeof v?.model === 'string' ? { wav: v.wav, model: v.model } : undefined;
  } catch {
    return undefined;
  }
}

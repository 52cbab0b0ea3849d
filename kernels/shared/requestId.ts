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

const PREFIX = 'lungcam-view:';

export function encodeRequestId(source: ViewSource & { key?: string }): string {
  const { wav, model, key } = source;
  return PREFIX + Buffer.from(JSON.stringify(key === undefined ? { wav, model } : { wav, model, key })).toString('base64url');
}

export function decodeRequestId(id: string): ViewSource | undefined {
  if (typeof id !== 'string' || !id.startsWith(PREFIX)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(id.slice(PREFIX.length), 'base64url').toString('utf8'));
    return typeof v?.wav === 'string' && typeof v?.model === 'string' ? { wav: v.wav, model: v.model } : undefined;
  } catch {
    return undefined;
  }
}

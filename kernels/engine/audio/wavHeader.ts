/**
 * WAV (RIFF/WAVE) headers: walking the chunks and describing the samples (format, where the data starts,
 * how many frames the file holds). Decoding the samples is wav.ts.
 *
 * Header policy (documented because real files break the rules in different ways):
 * - The RIFF size field is not trusted (many writers leave it wrong); chunks are read up to the file's end.
 * - A chunk size of 0xFFFFFFFF (an unfinished streaming header or an RF64 placeholder) is an error.
 * - A `fmt ` chunk running past the end of the file is an error.
 * - A `data` chunk running past the end of the file is a truncated recording: read up to the end with a
 *   warning — unless the header is plainly inconsistent with the file, which is an error: the file holds
 *   less than half of the declared audio, or the RIFF size says the file is complete (it ends where the
 *   RIFF chunk says) while the data chunk claims more.
 */
import { LungcamInputError } from '../errors';

export type SampleEncoding = 'pcm' | 'float' | 'mulaw' | 'alaw';

export interface WavFormat {
  encoding: SampleEncoding;
  /** The format tag as stored (0xFFFE for WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per sample of one channel (the container). */
  bytesPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
}

export interface WavLayout {
  format: WavFormat;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Sample frames that can be read (whole frames inside the file). */
  frames: number;
  warnings: string[];
}

/** Reads up to `length` bytes at `offset`; returns fewer at the end of the file. */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** Rates outside this range are damaged headers, not recordings (and would make resampling explode). */
export const MIN_RATE_HZ = 1000;
export const MAX_RATE_HZ = 768000;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_ALAW = 0x0006;
const FORMAT_MULAW = 0x0007;
const FORMAT_EXTENSIBLE = 0xfffe;
/** The 14 bytes after the 2-byte tag in a KSDATAFORMAT_SUBTYPE_* GUID. */
const KSDATAFORMAT_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const KNOWN_TAGS: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3 (MP3)',
  0x0161: 'Windows Media Audio',
  0x2000: 'AC-3',
  0xf1ac: 'FLAC',
};

const ascii = (b: Uint8Array, at: number, n = 4) => String.fromCharCode(...b.subarray(at, at + n));
const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** Guesses what a non-WAV file is, for the error message. */
function describeNotWav(head: Uint8Array): string {
  if (head.length >= 3 && ascii(head, 0, 3) === 'ID3') return 'it is an MP3 file (ID3 tag), not a WAV; convert it to WAV first';
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0) return 'it looks like an MP3/AAC stream, not a WAV; convert it to WAV first';
  if (head.length >= 4 && ascii(head, 0, 4) === 'fLaC') return 'it is a FLAC file, not a WAV; convert it to WAV first';
  if (head.length >= 4 && ascii(head, 0, 4) === 'OggS') return 'it is an Ogg file, not a WAV; convert it to WAV first';
  if (head.length >= 4 && (ascii(head, 0, 4) === 'RF64' || ascii(head, 0, 4) === 'BW64')) return 'it is an RF64 (over 4 GB) WAV, which is not supported; split it into smaller WAV files';
  if (head.length >= 4 && ascii(head, 0, 4) === 'RIFX') return 'it is a big-endian RIFX file, which is not supported; re-save it as a standard WAV';
  if (head.length >= 4 && ascii(head, 0, 4) === 'FORM') return 'it is an AIFF file, not a WAV; convert it to WAV first';
  const printable = head.subarray(0, 64).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  if (printable) return 'it is a text file, not a WAV';
  return 'it is not a WAV file (no RIFF/WAVE header)';
}

function parseFmt(body: Uint8Array, subject: string): WavFormat {
  if (body.length < 16) throw new LungcamInputError(`the WAV format chunk is too short (${body.length} bytes, need 16)`, subject);
  let formatTag = u16(body, 0);
  const channels = u16(body, 2);
  const sampleRate = u32(body, 4);
  const byteRate = u32(body, 8);
  const blockAlignStored = u16(body, 12);
  const bitsPerSample = u16(body, 14);
  let tag = formatTag;
  if (formatTag === FORMAT_EXTENSIBLE) {
    if (body.length < 40) throw new LungcamInputError('the WAVE_FORMAT_EXTENSIBLE format chunk is too short', subject);
    tag = u16(body, 24);
    const suffixOk = KSDATAFORMAT_SUFFIX.every((v, i) => body[26 + i] === v);
    if (!suffixOk) throw new LungcamInputError('unsupported WAVE_FORMAT_EXTENSIBLE sub-format (not PCM, float, μ-law or A-law)', subject);
  }
  if (channels === 0) throw new LungcamInputError('the WAV header declares 0 channels', subject);
  if (sampleRate === 0) throw new LungcamInputError('the WAV header declares a sample rate of 0 Hz', subject);
  if (sampleRate < MIN_RATE_HZ || sampleRate > MAX_RATE_HZ) {
    throw new LungcamInputError(`the WAV header declares a sample rate of ${sampleRate} Hz, outside the supported ${MIN_RATE_HZ}–${MAX_RATE_HZ} Hz`, subject);
  }
  let encoding: SampleEncoding;
  if (tag === FORMAT_PCM) encoding = 'pcm';
  else if (tag === FORMAT_FLOAT) encoding = 'float';
  else if (tag === FORMAT_MULAW) encoding = 'mulaw';
  else if (tag === FORMAT_ALAW) encoding = 'alaw';
  else {
    const name = KNOWN_TAGS[tag] ? ` = ${KNOWN_TAGS[tag]}` : '';
    throw new LungcamInputError(`unsupported WAV encoding (format tag 0x${tag.toString(16).padStart(4, '0')}${name}); convert it to PCM WAV`, subject);
  }
  // The container width: from bitsPerSample rounded up to bytes; blockAlign must agree with it.
  let bytesPerSample = Math.ceil(bitsPerSample / 8);
  if (bytesPerSample === 0 && blockAlignStored > 0 && blockAlignStored % channels === 0) bytesPerSample = blockAlignStored / channels;
  // A wider block align is a wider container only when the byte rate agrees with it: SPRSound's 16-bit
  // mono files declare a block align of 4 with a byte rate of 2 bytes per frame (the data holds 2).
  const byteRateFitsBits = byteRate === sampleRate * bytesPerSample * channels;
  if (blockAlignStored > 0 && blockAlignStored !== bytesPerSample * channels && blockAlignStored % channels === 0
      && blockAlignStored / channels > bytesPerSample && !byteRateFitsBits) {
    bytesPerSample = blockAlignStored / channels; // e.g. 20-bit samples in 32-bit containers
  }
  const ok =
    (encoding === 'pcm' && bytesPerSample >= 1 && bytesPerSample <= 4) ||
    (encoding === 'float' && (bytesPerSample === 4 || bytesPerSample === 8)) ||
    ((encoding === 'mulaw' || encoding === 'alaw') && bytesPerSample === 1);
  if (!ok) throw new LungcamInputError(`unsupported sample width: ${bitsPerSample}-bit ${encoding === 'pcm' ? 'PCM' : encoding}`, subject);
  if (formatTag !== FORMAT_EXTENSIBLE) formatTag = tag;
  return { encoding, formatTag, channels, sampleRate, bitsPerSample, bytesPerSample, blockAlign: bytesPerSample * channels };
}

/** Bytes read at a time while walking the chunk headers. */
const HEADER_WINDOW = 64 * 1024;

/**
 * Chunk headers read through one window of the file: walking any number of chunks costs one read per
 * HEADER_WINDOW bytes of the file, never one per chunk (a file of millions of empty chunks stays fast).
 */
function headerReader(readAt: ReadAt): (pos: number) => Uint8Array {
  let start = 0;
  let window = new Uint8Array(0);
  return (pos) => {
    if (pos < start || pos + 8 > start + window.length) {
      start = pos;
      window = readAt(pos, HEADER_WINDOW);
    }
    return window.subarray(pos - start, pos - start + 8);
  };
}

/**
 * Finds the format and the audio data in a WAV file without reading the audio.
 * `fileSize` is the real size of the file; `subject` names it in errors.
 */
export function parseWavLayout(readAt: ReadAt, fileSize: number, subject: string): WavLayout {
  if (fileSize === 0) throw new LungcamInputError('the file is empty', subject);
  const head = readAt(0, 64);
  if (head.length < 12 || ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') {
    if (head.length >= 4 && ascii(head, 0, 4) === 'RIFF' && head.length >= 12) {
      throw new LungcamInputError(`it is a RIFF file of type '${ascii(head, 8, 4).replace(/[^\x20-\x7e]/g, '?')}', not a WAV`, subject);
    }
    throw new LungcamInputError(describeNotWav(head), subject);
  }
  const riffEnd = 8 + u32(head, 4);
  const warnings: string[] = [];
  let format: WavFormat | undefined;
  let data: { offset: number; declared: number } | undefined;
  let pos = 12;
  const chunkHeader = headerReader(readAt);
  while (pos + 8 <= fileSize) {
    const h = chunkHeader(pos);
    if (h.length < 8) break;
    const id = ascii(h, 0, 4);
    const size = u32(h, 4);
    const printableId = id.replace(/[^\x20-\x7e]/g, '?');
    if (size === 0xffffffff) {
      throw new LungcamInputError(`chunk '${printableId}' declares a size of 0xFFFFFFFF (an unfinished or streamed header); re-save the file as a standard WAV`, subject);
    }
    const bodyStart = pos + 8;
    if (id === 'fmt ') {
      if (bodyStart + size > fileSize) {
        throw new LungcamInputError(`the WAV format chunk declares ${size} bytes but the file ends after ${fileSize - bodyStart}`, subject);
      }
      if (!format) format = parseFmt(readAt(bodyStart, Math.min(size, 1024)), subject);
    } else if (id === 'data') {
      if (!data) data = { offset: bodyStart, declared: size };
    }
    pos = bodyStart + size + (size & 1);
    if (data && format) break;
  }
  if (!format) {
    if (data) throw new LungcamInputError('the WAV file has no format chunk before the end of the file (the header is damaged or the file is truncated)', subject);
    throw new LungcamInputError('the WAV file has no format chunk (the header is damaged)', subject);
  }
  if (!data) throw new LungcamInputError('the WAV file has no data chunk (no audio)', subject);

  let available = fileSize - data.offset;
  let bytes = data.declared;
  if (data.declared > available) {
    const riffSaysComplete = riffEnd === fileSize || riffEnd === fileSize - 1;
    if (riffSaysComplete) {
      throw new LungcamInputError(`the header declares ${data.declared} bytes of audio but the file holds ${available} (the RIFF size says the file is complete, so the header is wrong)`, subject);
    }
    if (available < data.declared / 2) {
      throw new LungcamInputError(`the header declares ${data.declared} bytes of audio but the file holds only ${available} (less than half: the header is wrong or the file is badly truncated)`, subject);
    }
    bytes = available;
    const seconds = (available / format.blockAlign / format.sampleRate).toFixed(2);
    warnings.push(`${subject}: truncated data chunk (declared ${data.declared} bytes, ${available} present); read the first ${seconds} s`);
  }
  available = bytes;
  const frames = Math.floor(available / format.blockAlign);
  if (frames * format.blockAlign !== available && warnings.length === 0) {
    warnings.push(`${subject}: the data chunk ends in a partial sample frame (${available % format.blockAlign} bytes ignored)`);
  }
  return { format, dataOffset: data.offset, frames, warnings };
}

// ---- G.711 (Sun/CCITT reference decoders: the tables libsndfile uses) ----
